package labshare

import com.fasterxml.jackson.databind.JsonNode
import com.fasterxml.jackson.databind.ObjectMapper
import java.nio.file.Files
import java.nio.file.Path
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.fail

// Journal files, snapshots and spreadsheet cells through the Kotlin binding.
// Runs testdata/import-cells.json and testdata/journal.json with the checks
// of core/tests/vectors_exchange.rs, and the stored journal, snapshot and
// tail in core/tests/data/journal-v1/.
class ExchangeTest {
    private val testdata = Path.of(System.getProperty("labshare.testdata.dir", "../testdata"))
    private val root = testdata.resolve("..")
    private val stored = root.resolve("core/tests/data/journal-v1")
    private val journal: ByteArray = Files.readAllBytes(stored.resolve("network-2017.jsonl"))

    private fun load(fileName: String): JsonNode = ObjectMapper().readTree(testdata.resolve(fileName).toFile())

    private val cellOperations: Map<String, (JsonNode) -> String> = mapOf(
        "parse_date" to { case -> parseDateCell(case["input"].asText()).toString() },
        "excel_serial" to { case -> excelSerialToDate(case["input"].asDouble()).toString() },
        "parse_amount" to { case -> parseAmountCell(case["input"].asText(), case["unit"].asText()).toPlainString() },
        "parse_source" to { case -> parseSourceCell(case["input"].asText()) },
        "parse_sharing_mode" to { case -> parseSharingModeCell(case["input"].asText()) },
        "parse_operating_status" to { case -> parseOperatingStatusCell(case["input"].asText()) },
        "country_code" to { case -> countryCode(case["input"].asText()) },
    )

    @TestFactory
    fun cellVectors(): List<DynamicTest> {
        val cases = load("import-cells.json")["cases"].toList()
        assertTrue(cases.size >= 30)
        return cases.map { case ->
            DynamicTest.dynamicTest("import-cells.json:${case["name"].asText()}") {
                val op = case["op"].asText()
                val run = cellOperations[op] ?: fail("op '$op' is unknown to this runner")
                val expected = (case["expected"] ?: case["expected_yuan"])?.asText()
                if (case.has("error")) {
                    assertEquals(null, expected, "a case has `expected` or `error`, not both")
                    val error = assertThrows<LabshareException> { run(case) }
                    assertEquals(case["error"].asText(), error.code)
                } else {
                    assertEquals(expected ?: fail("a case needs `expected` or `error`"), run(case))
                }
            }
        }
    }

    // Applies a vector's tamper to the stored journal's lines (1-based).
    private fun tampered(lines: List<String>, tamper: JsonNode?): ByteArray {
        val edited = lines.toMutableList()
        if (tamper != null && !tamper.isNull) {
            tamper["replace"]?.let { replace ->
                val at = replace["line"].asInt() - 1
                val from = replace["from"].asText()
                assertTrue(edited[at].contains(from)) { "tamper target not on line ${at + 1}" }
                edited[at] = edited[at].replaceFirst(from, replace["to"].asText())
            }
            tamper["delete"]?.let { edited.removeAt(it.asInt() - 1) }
            tamper["swap"]?.let { pair ->
                val first = pair[0].asInt() - 1
                val second = pair[1].asInt() - 1
                val line = edited[first]
                edited[first] = edited[second]
                edited[second] = line
            }
            tamper["duplicate"]?.let { edited.add(it.asInt(), edited[it.asInt() - 1]) }
        }
        val bytes = (edited.joinToString("\n") + "\n").toByteArray(Charsets.UTF_8)
        val cut = tamper?.get("truncate_bytes")?.asInt() ?: 0
        return bytes.copyOf(bytes.size - cut)
    }

    @TestFactory
    fun journalVectors(): List<DynamicTest> {
        val document = load("journal.json")
        val lines = String(Files.readAllBytes(root.resolve(document["file"].asText())), Charsets.UTF_8).lines().dropLast(1)
        return document["cases"].map { case ->
            DynamicTest.dynamicTest("journal.json:${case["name"].asText()}") {
                val data = tampered(lines, case["tamper"])
                val check = verifyJournal(data)

                val expected = case["problems"].map { pair -> Pair(pair[0].asLong().toULong(), pair[1].asText()) }
                assertEquals(expected, check.problems.map { Pair(it.line, it.kind) })
                case["lines"]?.let { assertEquals(it.asLong().toULong(), check.lines) }
                case["head_seq"]?.let { assertEquals(it.asLong().toULong(), check.head.seq) }
                val errorLine = case["read_error_line"]
                if (errorLine != null) {
                    val error = assertThrows<LabshareException> { readJournal(data) }
                    assertTrue(error is LabshareException.Integrity)
                    assertEquals("corrupt", error.code)
                    // Core puts the location, `line N` or `line N (seq M)`, in
                    // the message as `... at <location>: ...`.
                    val line = errorLine.asInt()
                    val message = error.messageEn
                    assertTrue(message.contains(" at line $line:") || message.contains(" at line $line (")) { message }
                } else {
                    assertEquals(19, readJournal(data).size)
                }
            }
        }
    }

    @Test
    fun `read then write gives the same bytes`() {
        val events = readJournal(journal)
        assertEquals(19, events.size)
        assertArrayEquals(journal, writeJournal(events))
        val network = Network.replay(events)
        assertEquals(network.stateJson(), Network.replay(readJournal(writeJournal(network.events()))).stateJson())
    }

    @Test
    fun `write rejects a gap in sequence numbers`() {
        val events = readJournal(journal)
        val error = assertThrows<LabshareException> { writeJournal(listOf(events[0], events[2])) }
        assertEquals("invalid_value", error.code)
    }

    @Test
    fun `changed amount, deleted line and reordered line are detected`() {
        val lines = String(journal, Charsets.UTF_8).lines().dropLast(1).toMutableList()
        val changed = lines.toMutableList()
        changed[3] = changed[3].replace("\"original_value\":\"2150000.50\"", "\"original_value\":\"2150000.51\"")
        val deleted = lines.toMutableList().also { it.removeAt(11) }
        val swapped = lines.toMutableList().also { val line = it[2]; it[2] = it[3]; it[3] = line }

        fun kinds(edited: List<String>) =
            verifyJournal((edited.joinToString("\n") + "\n").toByteArray()).problems.map { Pair(it.line.toInt(), it.kind) }
        assertEquals(listOf(Pair(4, "changed")), kinds(changed))
        assertEquals(listOf(Pair(12, "missing")), kinds(deleted))
        assertEquals(listOf(Pair(3, "reordered"), Pair(4, "out_of_order")), kinds(swapped))
    }

    @Test
    fun `snapshot and tail rebuild the replayed state`() {
        val events = readJournal(journal)
        val snapshot = writeSnapshot(events.take(12))
        val tail = journal.copyOfRange(writeJournal(events.take(12)).size, journal.size)

        val restored = resumeSnapshot(snapshot, tail)
        assertEquals(verifyJournal(journal).head, restored.head)
        assertEquals(Network.replay(events).stateJson(), restored.stateJson)

        val storedRestored = resumeSnapshot(
            Files.readAllBytes(stored.resolve("snapshot-seq12.json")),
            Files.readAllBytes(stored.resolve("tail-after-seq12.jsonl")),
        )
        assertEquals(restored, storedRestored)

        val edited = String(snapshot, Charsets.UTF_8).replaceFirst("\"seq\":12", "\"seq\":11").toByteArray()
        val error = assertThrows<LabshareException> { resumeSnapshot(edited, ByteArray(0)) }
        assertEquals("corrupt", error.code)
    }
}
