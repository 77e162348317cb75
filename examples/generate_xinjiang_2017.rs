//! Generates the per-unit and per-instrument data of `data/xinjiang-2017/`.
//!
//! The office published only network totals for 2017. This generator draws
//! per-unit and per-instrument values from a fixed seed so that they
//! reproduce those totals exactly:
//! - 15 applicant units whose applied and audited external service income
//!   sum to 6823.249万元 and 2963.343万元;
//! - 1079 instruments whose value bands hold 377 sets worth 12,084.2万元
//!   (20–50万), 167 sets worth 11,155.88万元 (50–100万) and 141 sets worth
//!   34,928.54万元 (≥100万); the other 394 get values below 20万元;
//! - usage reports whose operating hours and samples sum to the published
//!   973,600 h and 1,049,000 samples.
//!
//! Run `cargo run --example generate_xinjiang_2017` to rewrite the files;
//! the output is the same byte for byte on every run.

use std::fs;
use std::path::PathBuf;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Value, json};

const SEED: u64 = 20_171_231;
const UNITS: usize = 29;
const APPLICANTS: usize = 15;

/// Integer grains: values are drawn in whole grains so that sums are exact.
struct Split {
    count: usize,
    total: i64,
    min: i64,
    max: i64,
}

/// Splits `total` into `count` integers in `[min, max]`, skewed so that a
/// few values are large, as instrument values and incomes are.
fn split_exact(rng: &mut ChaCha8Rng, split: &Split) -> Vec<i64> {
    let Split { count, total, min, max } = *split;
    assert!(count as i64 * min <= total && total <= count as i64 * max, "infeasible split");
    let weights: Vec<f64> = (0..count).map(|_| rng.random_range(0.0_f64..1.0).powf(2.5) + 0.02).collect();
    let weight_sum: f64 = weights.iter().sum();
    let spare = (total - count as i64 * min) as f64;
    let mut values: Vec<i64> =
        weights.iter().map(|w| (min + (spare * w / weight_sum) as i64).min(max)).collect();

    let mut residual = total - values.iter().sum::<i64>();
    let mut index = 0;
    while residual != 0 {
        let value = &mut values[index % count];
        let room = if residual > 0 { max - *value } else { min - *value };
        let step = if residual > 0 { room.min(residual).min(1 + residual / count as i64) } else { room.max(residual) };
        *value += step;
        residual -= step;
        index += 1;
    }
    values
}

fn unit_rows() -> Vec<Value> {
    let kinds = [
        ("分析测试研究院", "testing_centre"),
        ("理化技术研究所", "institute"),
        ("生态与地理研究所", "institute"),
        ("农业科学院", "institute"),
        ("畜牧科学院", "institute"),
        ("大学", "university"),
        ("医科大学", "university"),
        ("农业大学", "university"),
        ("产品质量监督检验研究院", "testing_centre"),
        ("疾病预防控制中心", "testing_centre"),
        ("地质矿产测试中心", "testing_centre"),
        ("林业科学研究院", "institute"),
        ("计量测试研究院", "testing_centre"),
        ("环境监测中心站", "testing_centre"),
        ("中药民族药研究所", "institute"),
        ("药物研究所", "institute"),
        ("水利水电科学研究院", "institute"),
        ("化工研究院", "institute"),
        ("建筑科学研究院", "institute"),
        ("师范大学", "university"),
        ("理工学院", "university"),
        ("煤炭科学研究所", "institute"),
        ("气象科学研究所", "institute"),
        ("土壤肥料研究所", "institute"),
        ("微生物应用研究所", "institute"),
        ("石油化工检测公司", "enterprise"),
        ("食品检验研究院", "testing_centre"),
        ("纺织科学研究所", "institute"),
        ("有色金属研究所", "institute"),
    ];
    let regions = ["乌鲁木齐市", "乌鲁木齐市", "乌鲁木齐市", "昌吉回族自治州", "石河子市", "克拉玛依市", "喀什地区"];
    kinds
        .iter()
        .enumerate()
        .map(|(i, (name, kind))| {
            json!({
                "id": format!("XJ{:02}", i + 1),
                "name": format!("示例{name}"),
                "kind": kind,
                "region": regions[i % regions.len()],
            })
        })
        .collect()
}

/// Amounts in grains of 0.001万元 (10 元), the precision of the published totals.
fn applications(rng: &mut ChaCha8Rng) -> Vec<Value> {
    let audited = split_exact(rng, &Split { count: APPLICANTS, total: 2_963_343, min: 20_000, max: 900_000 });
    let applied_extra_total = 6_823_249 - 2_963_343;
    let extra = split_exact(rng, &Split { count: APPLICANTS, total: applied_extra_total, min: 5_000, max: 1_500_000 });
    (0..APPLICANTS)
        .map(|i| {
            let wan = |grains: i64| format!("{}.{:03}", grains / 1000, grains % 1000);
            json!({
                "unit": format!("XJ{:02}", i + 1),
                "applied_wan": wan(audited[i] + extra[i]),
                "audited_wan": wan(audited[i]),
            })
        })
        .collect()
}

struct Catalogue {
    name: &'static str,
    english: &'static str,
    code: &'static str,
}

const CATALOGUE: [Catalogue; 16] = [
    Catalogue { name: "气相色谱仪", english: "Gas chromatograph", code: "010101" },
    Catalogue { name: "高效液相色谱仪", english: "HPLC system", code: "010102" },
    Catalogue { name: "原子吸收光谱仪", english: "Atomic absorption spectrometer", code: "010201" },
    Catalogue { name: "电感耦合等离子体质谱仪", english: "ICP-MS", code: "010301" },
    Catalogue { name: "气相色谱-质谱联用仪", english: "GC-MS", code: "010302" },
    Catalogue { name: "傅里叶变换红外光谱仪", english: "FTIR spectrometer", code: "010202" },
    Catalogue { name: "紫外可见分光光度计", english: "UV-Vis spectrophotometer", code: "010203" },
    Catalogue { name: "X射线衍射仪", english: "X-ray diffractometer", code: "010401" },
    Catalogue { name: "核磁共振波谱仪", english: "NMR spectrometer", code: "010501" },
    Catalogue { name: "扫描电子显微镜", english: "Scanning electron microscope", code: "010601" },
    Catalogue { name: "透射电子显微镜", english: "Transmission electron microscope", code: "010602" },
    Catalogue { name: "热重分析仪", english: "Thermogravimetric analyser", code: "020101" },
    Catalogue { name: "万能材料试验机", english: "Universal testing machine", code: "020201" },
    Catalogue { name: "激光粒度分析仪", english: "Laser particle size analyser", code: "020301" },
    Catalogue { name: "流式细胞仪", english: "Flow cytometer", code: "090101" },
    Catalogue { name: "实时荧光定量PCR仪", english: "Real-time PCR system", code: "090201" },
];

const MAKERS: [(&str, &str); 8] = [
    ("Agilent Technologies", "US"),
    ("Thermo Fisher Scientific", "US"),
    ("Shimadzu", "JP"),
    ("Bruker", "DE"),
    ("JEOL", "JP"),
    ("PerkinElmer", "US"),
    ("Malvern Panalytical", "GB"),
    ("聚光科技", "CN"),
];

/// Instrument values in fen: 394 below 20万, then the three published bands.
fn instrument_values(rng: &mut ChaCha8Rng) -> Vec<i64> {
    let wan = 1_000_000_i64;
    let mut values = Vec::new();
    for _ in 0..394 {
        // 3万 to just under 20万 in whole hundreds of 元, most near the low end.
        let draw: f64 = rng.random_range(0.0_f64..1.0).powf(1.8);
        let hundreds = 300 + (draw * 1_699.0) as i64;
        values.push(hundreds * 10_000);
    }
    // Grains of 0.01万元 (100 元), the precision of the national record.
    let grain = 10_000_i64;
    let bands = [
        Split { count: 377, total: 1_208_420, min: 2_000, max: 4_999 },
        Split { count: 167, total: 1_115_588, min: 5_000, max: 9_999 },
        Split { count: 141, total: 3_492_854, min: 10_000, max: 150_000 },
    ];
    for band in &bands {
        values.extend(split_exact(rng, band).into_iter().map(|g| g * grain));
    }
    debug_assert!(values.iter().all(|v| *v > 0 && *v < 2_000 * wan));
    values
}

fn yuan(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

fn instrument_rows(rng: &mut ChaCha8Rng, values: &[i64]) -> Vec<Value> {
    let statuses = ["normal", "normal", "normal", "normal", "standby", "occasional_faults"];
    values
        .iter()
        .enumerate()
        .map(|(i, &value)| {
            let unit = 1 + rng.random_range(0..UNITS);
            let item = &CATALOGUE[rng.random_range(0..CATALOGUE.len())];
            let (maker, country) = MAKERS[rng.random_range(0..MAKERS.len())];
            let year = rng.random_range(2003..=2017);
            let month = rng.random_range(1..=12);
            let day = rng.random_range(1..=28);
            json!({
                "id": format!("XJ{unit:02}-{:04}", i + 1),
                "unit": format!("XJ{unit:02}"),
                "record": {
                    "name": item.name,
                    "english_name": item.english,
                    "category_code": item.code,
                    "source": "purchased",
                    "original_value": yuan(value),
                    "country_of_origin": country,
                    "manufacturer": maker,
                    "model": format!("M-{}", rng.random_range(100..999)),
                    "commissioning_date": format!("{year}-{month:02}-{day:02}"),
                    "specifications": format!("{}，主要技术指标见说明书", item.name),
                    "functions": format!("{}相关的检测与分析", item.name),
                    "disciplines": ["150"],
                    "service_content": "对外提供检测服务",
                    "operating_status": statuses[rng.random_range(0..statuses.len())],
                    "sharing_mode": "external",
                    "sharing_rules": "网上预约，按收费标准结算",
                    "fee_standard": "按机时或样品收费",
                    "booking_url": "",
                    "location": "乌鲁木齐市",
                    "contact": "仪器管理员",
                }
            })
        })
        .collect()
}

/// Usage in 2017: hours and samples split to the published network totals;
/// each applicant unit's income split over its instruments to its applied amount.
fn usage_rows(rng: &mut ChaCha8Rng, instruments: &[Value], applications: &[Value]) -> Vec<Value> {
    let count = instruments.len();
    let hours = split_exact(rng, &Split { count, total: 973_600, min: 120, max: 4_000 });
    let samples = split_exact(rng, &Split { count, total: 1_049_000, min: 50, max: 20_000 });
    let mut income = vec![0_i64; count];
    for application in applications {
        let unit = application["unit"].as_str().unwrap_or_default();
        let owned: Vec<usize> = (0..count).filter(|&i| instruments[i]["unit"] == unit).collect();
        let applied: f64 = application["applied_wan"].as_str().unwrap_or("0").parse().unwrap_or(0.0);
        let total_fen = (applied * 1_000_000.0).round() as i64;
        let parts = split_exact(rng, &Split { count: owned.len(), total: total_fen, min: 0, max: total_fen });
        for (slot, part) in owned.iter().zip(parts) {
            income[*slot] = part;
        }
    }
    (0..count)
        .map(|i| {
            let effective = hours[i] * rng.random_range(60..=95) / 100;
            json!({
                "instrument": instruments[i]["id"],
                "year": 2017,
                "operating_hours": hours[i].to_string(),
                "effective_hours": effective.to_string(),
                "samples": samples[i],
                "external_income": yuan(income[i]),
            })
        })
        .collect()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);
    let units = unit_rows();
    let applications = applications(&mut rng);
    let values = instrument_values(&mut rng);
    let instruments = instrument_rows(&mut rng, &values);
    let usage = usage_rows(&mut rng, &instruments, &applications);

    let note = format!(
        "Generated by examples/generate_xinjiang_2017.rs with seed {SEED}. Only the network totals are published; every per-unit and per-instrument value here is generated to reproduce them exactly and is not real data."
    );
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/data/xinjiang-2017");
    let files = [
        ("units.json", json!({ "note": note, "units": units })),
        ("applications.json", json!({ "note": note, "year": 2017, "applications": applications })),
        ("instruments.json", json!({ "note": note, "instruments": instruments })),
        ("usage.json", json!({ "note": note, "reports": usage })),
    ];
    for (name, value) in files {
        let mut text = serde_json::to_string_pretty(&value)?;
        text.push('\n');
        fs::write(dir.join(name), text)?;
        println!("wrote {name}");
    }
    Ok(())
}
