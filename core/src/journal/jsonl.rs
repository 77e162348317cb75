//! The journal file format: JSON Lines with a hash chain (日志文件格式).
//!
//! One event per line, UTF-8, each line ending in `\n`:
//!
//! ```text
//! {"v":1,"seq":1,"at":"2017-03-01T02:00:00Z","actor":{...},"change":{...},"prev":"000…0","hash":"9f2c…"}
//! ```
//!
//! - `v` is the format version and always the first member, so a reader
//!   knows how to parse the rest before parsing it.
//! - `seq`, `at`, `actor` and `change` are the [`Event`].
//! - `prev` is the `hash` of the line before, or 64 zeros on the first line.
//! - `hash` is always the last member: the SHA-256 of the line's bytes with
//!   the `,"hash":"…"` member removed, that is of everything before `,"hash"`
//!   followed by `}`.
//!
//! The hash covers the bytes as written, not a re-serialisation, so a
//! reader in any language verifies a line without reproducing this
//! library's JSON output. An edited line fails its own hash; a removed,
//! repeated or moved line breaks the sequence numbers and the `prev` links.
//! Rewriting the whole chain after an edit is not detectable from the file
//! alone: compare the final [`ChainHead`] with one kept elsewhere (a store,
//! a snapshot, a signed report) to catch that, and to catch lines removed
//! from the end.
//!
//! Adding a [`crate::Change`] variant, or an optional field with a serde
//! default, keeps format 1. Renaming or removing a tag or field requires
//! format 2 and an upgrade of version-1 lines in `parse_line`, tested
//! against the files in `core/tests/data/journal-v1/`.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::chain::{ChainHash, ChainHead};
use crate::access::Actor;
use crate::error::{Error, Result};
use crate::journal::{Change, Event};
use crate::lang::Text;

/// The format version this library writes, and the newest it reads.
pub const FORMAT_VERSION: u32 = 1;

/// The member that ends every line, up to the opening quote of the hash.
pub(crate) const HASH_MEMBER: &[u8] = b",\"hash\":\"";
/// Length of `,"hash":"` + 64 hex digits + `"}`.
const HASH_SUFFIX_LEN: usize = HASH_MEMBER.len() + 64 + 2;
const VERSION_PREFIX: &[u8] = b"{\"v\":";
/// A line contains two hashes of 64 hexadecimal digits, so no valid line is shorter.
const MIN_LINE_LEN: usize = 128;

/// The fields of a line in the order they are written, without the hash.
#[derive(Serialize)]
struct LineBody<'a> {
    v: u32,
    seq: u64,
    at: &'a DateTime<Utc>,
    actor: &'a Actor,
    change: &'a Change,
    prev: ChainHash,
}

/// A line of format version 1 as read back.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LineV1 {
    #[allow(dead_code)]
    v: u32,
    seq: u64,
    #[serde(deserialize_with = "super::instant::deserialize_utc")]
    at: DateTime<Utc>,
    actor: Actor,
    change: Change,
    prev: ChainHash,
    #[allow(dead_code)]
    hash: serde::de::IgnoredAny,
}

/// One journal line as it appears in a file, described for the JSON Schema.
/// Code reads and writes lines with [`decode_line`] and [`encode_line`],
/// which also check the hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct JournalLine {
    /// Format version; always the first member.
    pub v: u32,
    /// Sequence number, from 1 without gaps.
    pub seq: u64,
    /// When the change was made (UTC).
    pub at: DateTime<Utc>,
    /// The actor who made the change.
    pub actor: Actor,
    /// The change.
    pub change: Change,
    /// The hash of the line before, or 64 zeros on the first line.
    pub prev: ChainHash,
    /// SHA-256 of the line's bytes before `,"hash"` followed by `}`; always
    /// the last member.
    pub hash: ChainHash,
}

/// Events read from a journal, with the head after the last of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Tail {
    /// The events in order.
    pub events: Vec<Event>,
    /// The head after the last event, or the starting head if there are none.
    pub head: ChainHead,
}

/// Journal lines as bytes, with the head after the last of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedLines {
    /// The lines, each ending in `\n`.
    pub bytes: Vec<u8>,
    /// The head after the last line.
    pub head: ChainHead,
}

/// Kind of problem found in a journal line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// Not a journal line: not JSON, a wrong shape, no hash at the end, or empty.
    Malformed,
    /// Written in a format version this library does not read.
    UnsupportedVersion,
    /// The content does not match the line's own hash: the line was edited.
    Changed,
    /// One or more sequence numbers before this line are absent.
    Missing,
    /// The line's sequence number belongs earlier: it repeats or was moved.
    OutOfOrder,
    /// A line that was moved: its sequence number turns up later in the file.
    Reordered,
    /// The `prev` hash does not name the line before: an earlier line was
    /// replaced together with its hash, or the file does not continue the
    /// journal it was read after.
    BrokenLink,
}

/// One problem found in a journal, naming the line (1-based) and the event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LineProblem {
    /// Line number in the file, counting from 1.
    pub line: u64,
    /// The sequence number the line claims, if it could be read.
    pub seq: Option<u64>,
    /// Kind of problem.
    pub kind: ProblemKind,
    /// Explanation and fix, in Chinese and English.
    pub detail: Text,
}

impl LineProblem {
    /// Converts the problem into an [`Error::Corrupt`] naming the line.
    pub fn to_error(&self) -> Error {
        let location = match self.seq {
            Some(seq) => format!("line {} (seq {seq})", self.line),
            None => format!("line {}", self.line),
        };
        Error::Corrupt { location, detail: self.detail.clone() }
    }
}

/// The result of checking a whole journal file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct JournalCheck {
    /// Lines read, not counting the empty text after the final newline.
    pub lines: u64,
    /// The head after the last line, as the lines state it. Compare it with a
    /// head kept elsewhere to detect lines removed from the end.
    pub head: ChainHead,
    /// Every problem found, in line order; empty for an intact journal.
    pub problems: Vec<LineProblem>,
}

impl JournalCheck {
    /// Returns true if no problem was found.
    pub fn is_intact(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Encodes one event as a line that follows `after`, without the newline.
///
/// # Errors
///
/// [`Error::InvalidValue`] if `event.seq` is not `after.seq + 1`.
pub fn encode_line(after: &ChainHead, event: &Event) -> Result<(Vec<u8>, ChainHead)> {
    let expected = after.seq.checked_add(1).ok_or_else(|| Error::overflow("journal sequence number"))?;
    if event.seq != expected {
        return Err(Error::invalid_value(
            "seq",
            event.seq,
            Text::new(
                format!("紧接上一事件的序号 {expected}"),
                format!("sequence number {expected}, the one after the last event"),
            ),
        ));
    }

    let body = LineBody {
        v: FORMAT_VERSION,
        seq: event.seq,
        at: &event.at,
        actor: &event.actor,
        change: &event.change,
        prev: after.hash,
    };
    let mut line = serde_json::to_vec(&body).map_err(|error| {
        Error::invalid_value("event", error, Text::new("可序列化为 JSON 的事件", "an event that serialises to JSON"))
    })?;
    let hash = ChainHash::of(&[&line]);

    line.pop();
    line.extend_from_slice(HASH_MEMBER);
    line.extend_from_slice(hash.to_hex().as_bytes());
    line.extend_from_slice(b"\"}");
    Ok((line, ChainHead { seq: event.seq, hash }))
}

/// Encodes `events` as lines that continue the journal ending at `after`.
///
/// # Errors
///
/// [`Error::InvalidValue`] if the sequence numbers do not run on from
/// `after.seq` without gaps.
pub fn append_jsonl(after: &ChainHead, events: &[Event]) -> Result<EncodedLines> {
    let mut bytes = Vec::with_capacity(events.len() * 512);
    let mut head = *after;
    for event in events {
        let (line, next) = encode_line(&head, event)?;
        bytes.extend_from_slice(&line);
        bytes.push(b'\n');
        head = next;
    }
    Ok(EncodedLines { bytes, head })
}

/// Encodes a whole journal, starting at sequence number 1.
///
/// # Errors
///
/// [`Error::InvalidValue`] if the sequence numbers are not 1, 2, 3, ….
///
/// # Example
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use labshare::journal::{read_jsonl, write_jsonl};
/// use labshare::registry::{Unit, UnitKind};
/// use labshare::{Actor, Network, UnitId};
///
/// let mut network = Network::new();
/// let unit = Unit { id: UnitId::new("XJ-AT")?, name: "新疆分析测试研究院".into(), kind: UnitKind::Institute, region: "乌鲁木齐市".into() };
/// let now = Utc.with_ymd_and_hms(2017, 3, 1, 2, 0, 0).unwrap();
/// let event = network.register_unit(&Actor::office("office-1"), now, unit)?;
///
/// let bytes = write_jsonl(&[event.clone()])?;
/// assert!(bytes.starts_with(br#"{"v":1,"seq":1,"#));
/// assert_eq!(read_jsonl(&bytes)?, vec![event]);
/// # Ok::<(), labshare::Error>(())
/// ```
pub fn write_jsonl(events: &[Event]) -> Result<Vec<u8>> {
    Ok(append_jsonl(&ChainHead::genesis(), events)?.bytes)
}

/// Decodes one line that must follow `after`; `line_no` names it in errors.
///
/// A trailing `\r` is ignored, so files whose line ends were converted to
/// CRLF still read.
///
/// # Errors
///
/// [`Error::Corrupt`] naming the line: malformed, an unsupported version,
/// edited content, or a sequence number or `prev` hash that does not follow
/// `after`.
pub fn decode_line(after: &ChainHead, line: &[u8], line_no: u64) -> Result<(Event, ChainHead)> {
    let parsed = parse_line(line, line_no).map_err(|problem| problem.to_error())?;
    link(after, &parsed, line_no).map_err(|problem| problem.to_error())?;
    let head = ChainHead { seq: parsed.event.seq, hash: parsed.hash };
    Ok((parsed.event, head))
}

/// Reads a whole journal that starts at sequence number 1.
///
/// # Errors
///
/// [`Error::Corrupt`] naming the first line that is malformed, edited,
/// missing or out of order.
pub fn read_jsonl(bytes: &[u8]) -> Result<Vec<Event>> {
    Ok(read_jsonl_after(&ChainHead::genesis(), bytes)?.events)
}

/// Reads journal lines that continue the journal ending at `after`, such as
/// the tail written after a snapshot.
///
/// # Errors
///
/// As [`read_jsonl`]; the first line must have sequence number
/// `after.seq + 1` and name `after.hash` as `prev`.
pub fn read_jsonl_after(after: &ChainHead, bytes: &[u8]) -> Result<Tail> {
    // An event takes hundreds of bytes, so growing the vector by doubling
    // copies gigabytes for a national journal. Counting the newlines first
    // costs far less and allocates the vector once. The bound keeps a file
    // of empty lines from reserving memory for events it cannot contain,
    // and a failed reservation only means the vector grows as it fills.
    let expected = line_count(bytes).min(bytes.len() / MIN_LINE_LEN + 1);
    let mut events = Vec::new();
    let _ = events.try_reserve_exact(expected);
    let mut reader = JournalReader::new(after, bytes);
    for event in reader.by_ref() {
        events.push(event?);
    }
    Ok(Tail { events, head: reader.head() })
}

/// Counts the newlines, plus one for an unterminated last line: the number
/// of lines that [`JournalReader`] splits `bytes` into, or one more for a
/// lone newline.
fn line_count(bytes: &[u8]) -> usize {
    let newlines = memchr::memchr_iter(b'\n', bytes).count();
    let unterminated = !bytes.is_empty() && !bytes.ends_with(b"\n");
    newlines + usize::from(unterminated)
}

/// Decodes journal lines one at a time, so a caller can apply each event
/// without holding all of them in memory.
///
/// The iterator yields each event or the first error, then stops.
#[derive(Debug, Clone)]
pub struct JournalReader<'a> {
    rest: &'a [u8],
    line_no: u64,
    head: ChainHead,
    done: bool,
}

impl<'a> JournalReader<'a> {
    /// Starts reading `bytes` as lines that continue the journal ending at `after`.
    ///
    /// A leading byte-order mark and the final newline are dropped, as in
    /// [`verify_jsonl`], so every other newline ends a line, even an empty one.
    pub fn new(after: &ChainHead, bytes: &'a [u8]) -> JournalReader<'a> {
        let rest = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let rest = rest.strip_suffix(b"\n").unwrap_or(rest);
        JournalReader { rest, line_no: 0, head: *after, done: rest.is_empty() }
    }

    /// Returns the head after the last event read so far.
    pub fn head(&self) -> ChainHead {
        self.head
    }
}

impl Iterator for JournalReader<'_> {
    type Item = Result<Event>;

    fn next(&mut self) -> Option<Result<Event>> {
        if self.done {
            return None;
        }
        let line = match memchr::memchr(b'\n', self.rest) {
            Some(end) => {
                let (line, rest) = self.rest.split_at(end);
                self.rest = rest.get(1..).unwrap_or_default();
                line
            }
            None => {
                self.done = true;
                self.rest
            }
        };
        self.line_no += 1;
        match decode_line(&self.head, line, self.line_no) {
            Ok((event, head)) => {
                self.head = head;
                Some(Ok(event))
            }
            Err(error) => {
                self.done = true;
                Some(Err(error))
            }
        }
    }
}

/// Checks every line of a journal that starts at sequence number 1 and
/// reports every problem, where [`read_jsonl`] stops at the first.
///
/// After a problem the check goes on from the line's own sequence number
/// and hash, so one edited line is reported once, not on every later line.
pub fn verify_jsonl(bytes: &[u8]) -> JournalCheck {
    let mut head = ChainHead::genesis();
    let mut problems = Vec::new();
    let mut count = 0;
    for (line_no, line) in lines(bytes) {
        count = line_no;
        match parse_line(line, line_no) {
            Ok(parsed) => match link(&head, &parsed, line_no) {
                Ok(()) => head = ChainHead { seq: parsed.event.seq, hash: parsed.hash },
                Err(problem) => {
                    if problem.kind != ProblemKind::OutOfOrder {
                        head = ChainHead { seq: parsed.event.seq, hash: parsed.hash };
                    }
                    problems.push(problem);
                }
            },
            Err(problem) => {
                let seq = problem.seq.unwrap_or(head.seq.saturating_add(1));
                head = ChainHead { seq, hash: stated_hash(line).unwrap_or(ChainHash::ZERO) };
                problems.push(problem);
            }
        }
    }
    mark_reordered(&mut problems);
    JournalCheck { lines: count, head, problems }
}

/// Splits `bytes` into numbered lines, dropping a leading byte-order mark
/// and the empty text after the final newline.
fn lines(bytes: &[u8]) -> impl Iterator<Item = (u64, &[u8])> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    let empty = bytes.is_empty();
    bytes.split(|&b| b == b'\n').filter(move |_| !empty).zip(1u64..).map(|(line, no)| (no, line))
}

struct ParsedLine {
    event: Event,
    prev: ChainHash,
    hash: ChainHash,
}

/// Parses one line and checks it against its own hash.
fn parse_line(line: &[u8], line_no: u64) -> std::result::Result<ParsedLine, LineProblem> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let problem = |kind, seq, zh: String, en: String| LineProblem { line: line_no, seq, kind, detail: Text::new(zh, en) };
    if line.is_empty() {
        return Err(problem(
            ProblemKind::Malformed,
            None,
            "空行；日志中每行应为一个事件，请删除空行".to_owned(),
            "the line is empty; every journal line holds one event, so remove the empty line".to_owned(),
        ));
    }

    let Some((content, stated)) = split_hash(line) else {
        return Err(problem(
            ProblemKind::Malformed,
            None,
            "行尾缺少 \"hash\" 字段：该行不完整（写入时中断？）或不是日志行".to_owned(),
            "the line does not end with a \"hash\" member: it is incomplete (an interrupted write?) or not a journal line".to_owned(),
        ));
    };
    let actual = ChainHash::of(&[content, b"}"]);
    if actual != stated {
        return Err(problem(
            ProblemKind::Changed,
            claimed_seq(line),
            format!("内容与本行哈希不符：该行在写入后被修改；请从备份恢复（计算得 {actual}）"),
            format!("the content does not match the line's hash, so the line was changed after it was written; restore it from a backup (computed {actual})"),
        ));
    }

    let version = line_version(line).ok_or_else(|| {
        problem(
            ProblemKind::Malformed,
            None,
            "行首应为 {\"v\":版本号,".to_owned(),
            "the line must begin with {\"v\":<version>,".to_owned(),
        )
    })?;
    if version != FORMAT_VERSION {
        return Err(problem(
            ProblemKind::UnsupportedVersion,
            None,
            format!("格式版本 {version} 不受支持：本库读取版本 1 至 {FORMAT_VERSION}；请升级 labshare"),
            format!("format version {version} is not supported: this library reads versions 1 to {FORMAT_VERSION}; upgrade labshare"),
        ));
    }

    // serde_json checks every string of a byte slice as UTF-8 but trusts a
    // `&str`, and one check of the whole line costs less.
    let text = std::str::from_utf8(line).map_err(|error| {
        problem(
            ProblemKind::Malformed,
            claimed_seq(line),
            format!("不是有效的 UTF-8 文本：{error}"),
            format!("the line is not valid UTF-8: {error}"),
        )
    })?;
    let parsed: LineV1 = serde_json::from_str(text).map_err(|error| {
        problem(
            ProblemKind::Malformed,
            claimed_seq(line),
            format!("不是有效的版本 1 事件：{error}"),
            format!("not a valid version 1 event: {error}"),
        )
    })?;
    let event = Event { seq: parsed.seq, at: parsed.at, actor: parsed.actor, change: parsed.change };
    Ok(ParsedLine { event, prev: parsed.prev, hash: stated })
}

/// Checks that a parsed line follows `after`.
fn link(after: &ChainHead, parsed: &ParsedLine, line_no: u64) -> std::result::Result<(), LineProblem> {
    let seq = parsed.event.seq;
    let expected = after.seq.saturating_add(1);
    let problem = |kind, zh: String, en: String| LineProblem { line: line_no, seq: Some(seq), kind, detail: Text::new(zh, en) };
    if seq > expected {
        let last_missing = seq - 1;
        let (zh, en) = if last_missing == expected {
            (format!("序号 {expected}"), format!("event {expected} is"))
        } else {
            (format!("序号 {expected} 至 {last_missing}"), format!("events {expected} to {last_missing} are"))
        };
        return Err(problem(
            ProblemKind::Missing,
            format!("缺少{zh}的事件：本行之前的行被删除；请从备份恢复"),
            format!("{en} missing: lines before this one were removed; restore them from a backup"),
        ));
    }
    if seq < expected {
        return Err(problem(
            ProblemKind::OutOfOrder,
            format!("序号 {seq} 应在序号 {} 之前：该行重复或被移动", after.seq),
            format!("sequence number {seq} belongs before {}: the line is repeated or was moved", after.seq),
        ));
    }
    if parsed.prev != after.hash {
        return Err(problem(
            ProblemKind::BrokenLink,
            format!("prev 哈希与上一行（序号 {}）不符：上一行被替换，或本文件并不接续该日志", after.seq),
            format!(
                "the prev hash does not match the line before (seq {}): that line was replaced, or this file does not continue that journal",
                after.seq
            ),
        ));
    }
    Ok(())
}

/// Turns a `Missing` problem into `Reordered` when its sequence number
/// turns up later in the file as an out-of-order line.
fn mark_reordered(problems: &mut [LineProblem]) {
    let late: Vec<(u64, u64)> = problems
        .iter()
        .filter(|p| p.kind == ProblemKind::OutOfOrder)
        .filter_map(|p| p.seq.map(|seq| (seq, p.line)))
        .collect();
    for problem in problems.iter_mut().filter(|p| p.kind == ProblemKind::Missing) {
        let Some(seq) = problem.seq else { continue };
        let found = late.iter().find(|(late_seq, late_line)| *late_seq < seq && *late_line > problem.line);
        if let Some((late_seq, late_line)) = found {
            problem.kind = ProblemKind::Reordered;
            problem.detail = Text::new(
                format!("顺序错误：序号 {late_seq} 的事件出现在后面的第 {late_line} 行；请按序号恢复行的顺序"),
                format!("out of order: event {late_seq} appears later, on line {late_line}; put the lines back in sequence order"),
            );
        }
    }
}

/// Splits a line into the part before `,"hash":"` and the stated hash.
pub(crate) fn split_hash(line: &[u8]) -> Option<(&[u8], ChainHash)> {
    let split = line.len().checked_sub(HASH_SUFFIX_LEN)?;
    let (content, suffix) = line.split_at(split);
    let digits = suffix.strip_prefix(HASH_MEMBER)?.strip_suffix(b"\"}")?;
    if !digits.iter().all(|d| matches!(d, b'0'..=b'9' | b'a'..=b'f')) {
        return None;
    }
    Some((content, ChainHash::from_hex(digits)?))
}

fn stated_hash(line: &[u8]) -> Option<ChainHash> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    split_hash(line).map(|(_, hash)| hash)
}

/// Reads the version from the `{"v":N,` prefix.
pub(crate) fn line_version(line: &[u8]) -> Option<u32> {
    let rest = line.strip_prefix(VERSION_PREFIX)?;
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || digits > 9 || rest.get(digits) != Some(&b',') {
        return None;
    }
    std::str::from_utf8(&rest[..digits]).ok()?.parse().ok()
}

/// Finds the `"seq":N` member without parsing the line, to name an edited line.
fn claimed_seq(line: &[u8]) -> Option<u64> {
    let key = b"\"seq\":";
    let start = line.windows(key.len()).position(|w| w == key)? + key.len();
    let rest = line.get(start..)?;
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    std::str::from_utf8(rest.get(..digits)?).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_count_matches_line_split() {
        for text in ["", "a", "a\n", "a\nb", "a\nb\n", "\n\n", "\n\na", "\u{feff}a\nb"] {
            let bytes = text.as_bytes();
            assert_eq!(line_count(bytes), lines(bytes).count(), "{text:?}");
        }
        assert_eq!(line_count(b"\n"), 1);
        assert_eq!(lines(b"\n").count(), 0);
    }

    #[test]
    fn empty_lines_fail_without_large_reservation() {
        let bytes = vec![b'\n'; 64 << 20];
        let error = read_jsonl(&bytes).err();
        assert!(matches!(error, Some(Error::Corrupt { .. })), "{error:?}");
        assert!(bytes.len() / MIN_LINE_LEN < line_count(&bytes) / 100);
    }
}
