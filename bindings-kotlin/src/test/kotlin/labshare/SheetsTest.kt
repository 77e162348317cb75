package labshare

import com.fasterxml.jackson.databind.JsonNode
import com.fasterxml.jackson.databind.ObjectMapper
import java.nio.file.Files
import java.nio.file.Path
import java.time.Instant
import java.time.LocalDate
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir

// Spreadsheet import, the service-record book, the national export and the
// SQLite store through the Kotlin binding. Uses the files in
// core/tests/data/exchange/ and expects the values that
// core/tests/exchange_services.rs and bindings-python/tests/test_sheets.py
// check.
class SheetsTest {
    private val testdata = Path.of(System.getProperty("labshare.testdata.dir", "../testdata"))
    private val fixtures = testdata.resolve("../core/tests/data/exchange")
    private val instruments: ByteArray = Files.readAllBytes(fixtures.resolve("instruments-2017.csv"))
    private val services: ByteArray = Files.readAllBytes(fixtures.resolve("services-2017.csv"))
    private val office = Actor.Office("office-01")
    private val atAdmin = Actor.UnitAdmin("admin-xjat", "XJ-AT")
    private val now = Instant.parse("2017-11-25T02:00:00Z")
    private val json = ObjectMapper()

    private fun networkWithUnits(): Network {
        val network = Network()
        network.registerUnit(office, now, MemberUnit("XJ-AT", "新疆分析测试研究院", UnitKind.INSTITUTE, "乌鲁木齐市"))
        network.registerUnit(office, now, MemberUnit("XJ-MS", "新疆大学测试中心", UnitKind.UNIVERSITY, "乌鲁木齐市"))
        return network
    }

    // Two units, five instruments from the list, all but XJ-AT-003 published.
    private fun sampleNetwork(): Network {
        val network = networkWithUnits()
        val outcome = network.applyInstrumentImport(office, now, readInstrumentSheet(instruments, "csv", null), false)
        assertEquals(5, outcome.plan.rows.count { it.action == "submit" })
        for (id in listOf("XJ-AT-001", "XJ-AT-002", "XJ-MS-001", "XJ-MS-002")) network.publishInstrument(office, now, id)
        return network
    }

    private fun importedNetwork(): Network {
        val network = sampleNetwork()
        network.applyServiceImport(office, now, readServiceSheet(services, "csv", null), true)
        return network
    }

    private fun records(text: String): List<JsonNode> = json.readTree(text).toList()

    @Test
    fun `instrument list reads every row`() {
        val report = readInstrumentSheet(instruments, "csv", null)
        assertEquals("instruments", report.kind)
        assertEquals("csv_utf8", report.format)
        assertEquals(1u, report.headerRow)
        assertEquals(5u, report.rowsRead)
        assertEquals(5uL, report.recordCount)
        assertTrue(report.problems.isEmpty())
        val ids = records(report.recordsJson).map { it["instrument"].asText() }
        assertEquals(listOf("XJ-AT-001", "XJ-AT-002", "XJ-AT-003", "XJ-MS-001", "XJ-MS-002"), ids)
        val value = report.columns.first { it.header == "原值（元）" }
        assertEquals("original_value", value.field)
        assertEquals("yuan", value.moneyUnit)
    }

    @Test
    fun `service list reports bad row`() {
        val report = readServiceSheet(services, "csv", null)
        assertEquals(9u, report.rowsRead)
        assertEquals(8uL, report.recordCount)
        assertEquals(1, report.problems.size)
        val problem = report.problems[0]
        assertEquals(10u, problem.row)
        assertEquals("B", problem.column)
        assertEquals("服务日期", problem.header)
        assertEquals("2017-02-30", problem.value)
        assertTrue(problem.reason.en.contains("no day 30"), problem.reason.en)
        val serial = records(report.recordsJson).first { it["row"].asInt() == 5 }
        assertEquals("2017-09-15", serial["record"]["date"].asText())
    }

    @Test
    fun `mapping adds headers`() {
        val renamed = String(services, Charsets.UTF_8).replaceFirst("仪器编号", "设备代码").toByteArray(Charsets.UTF_8)
        assertEquals(0uL, readServiceSheet(renamed, "csv", null).recordCount)
        val mapped = readServiceSheet(renamed, "csv", """{"headers": {"设备代码": "instrument"}}""")
        assertEquals(8uL, mapped.recordCount)
    }

    @Test
    fun `bad arguments name their field`() {
        val format = assertThrows<LabshareException.InvalidInput> { readServiceSheet(services, "ods", null) }
        assertEquals("format", format.field)
        val mapping = assertThrows<LabshareException.InvalidInput> { readServiceSheet(services, "csv", "{not json") }
        assertEquals("mapping", mapping.field)
        val kind = assertThrows<LabshareException.InvalidInput> {
            sampleNetwork().planInstrumentImport(office, now, readServiceSheet(services, "csv", null))
        }
        assertEquals("report", kind.field)
    }

    @Test
    fun `service plan shows every row`() {
        val network = sampleNetwork()
        val before = network.events()
        val plan = network.planServiceImport(office, now, readServiceSheet(services, "csv", null))
        val actions = plan.rows.map { it.row.toInt() to it.action }
        assertEquals(
            listOf(2 to "record", 3 to "record", 4 to "record", 5 to "record", 6 to "rejected", 7 to "rejected", 8 to "record", 9 to "record"),
            actions,
        )
        assertEquals(listOf(10u), plan.badRows)
        assertTrue(plan.rows[4].reason!!.en.contains("XJ-AT-009"))
        assertTrue(plan.rows[5].reason!!.en.contains("repeats row 2"))
        assertNull(plan.rows[0].reason)
        assertEquals(before, network.events())
    }

    @Test
    fun `bad rows stop service import`() {
        val network = sampleNetwork()
        val state = network.stateJson()
        val error = assertThrows<LabshareException.Conflict> {
            network.applyServiceImport(office, now, readServiceSheet(services, "csv", null), false)
        }
        assertEquals("rule_violation", error.code)
        assertTrue(error.messageEn.contains("rows 6, 7, 10"), error.messageEn)
        assertEquals(state, network.stateJson())
    }

    @Test
    fun `good rows import one event per unit`() {
        val network = sampleNetwork()
        val outcome = network.applyServiceImport(office, now, readServiceSheet(services, "csv", null), true)
        assertEquals(2, outcome.events.size)
        val changes = outcome.events.map { json.readTree(it)["change"]["services"] }
        assertEquals(listOf("XJ-AT" to 4, "XJ-MS" to 2), changes.map { it["unit"].asText() to it["records"].size() })
        assertEquals(6, records(network.serviceRecordsJson(null)).size)
        assertEquals(2, records(network.serviceRecordsJson("XJ-MS")).size)
        assertEquals(network.stateJson(), Network.replay(network.events()).stateJson())
    }

    @Test
    fun `reimport adds nothing`() {
        val network = importedNetwork()
        val state = network.stateJson()
        val report = readServiceSheet(services, "csv", null)
        val plan = network.planServiceImport(office, now, report)
        assertEquals(7, plan.rows.count { it.action == "duplicate" })
        val outcome = network.applyServiceImport(office, now, report, true)
        assertTrue(outcome.events.isEmpty())
        assertEquals(state, network.stateJson())
    }

    @Test
    fun `unit admin imports own instruments only`() {
        val network = sampleNetwork()
        val plan = network.planServiceImport(atAdmin, now, readServiceSheet(services, "csv", null))
        assertEquals(listOf(4u, 5u, 6u, 7u), plan.rows.filter { it.action == "rejected" }.map { it.row })
        assertTrue(plan.rows[2].reason!!.en.contains("only the administrator of unit XJ-MS"))
    }

    @Test
    fun `national services read the book`() {
        val export = importedNetwork().nationalServices(now, null, null, null, null)
        assertEquals("services", export.kind)
        assertEquals(5uL, export.recordCount)
        val rows = records(export.recordsJson).map { Triple(it["instrument_id"].asText(), it["date"].asText(), it["submit_state"].asText()) }
        assertEquals(
            listOf(
                Triple("XJ-AT-001", "2017-07-14", "正式"),
                Triple("XJ-AT-002", "2017-08-01", "正式"),
                Triple("XJ-AT-002", "2018-01-05", "正式"),
                Triple("XJ-AT-003", "2017-11-20", "草稿"),
                Triple("XJ-MS-001", "2017-09-03", "正式"),
            ),
            rows,
        )
        assertEquals(listOf("XJ-MS-002 2017-09-15"), export.notes.map { it.record })
        val csv = String(export.csv, Charsets.UTF_8)
        assertTrue(csv.startsWith("\uFEFF仪器编号,服务日期,服务金额（元）,"))
        assertFalse(csv.contains("李老师"))
    }

    @Test
    fun `national services select unit period and drafts`() {
        val network = importedNetwork()
        assertEquals(1uL, network.nationalServices(now, "XJ-MS", null, null, null).recordCount)
        val year = network.nationalServices(now, null, LocalDate.of(2017, 1, 1), LocalDate.of(2018, 1, 1), null)
        assertEquals(listOf("2017-07-14", "2017-08-01", "2017-11-20", "2017-09-03"), records(year.recordsJson).map { it["date"].asText() })
        val finals = network.nationalServices(now, null, null, null, """{"include_drafts": false}""")
        assertEquals(4uL, finals.recordCount)
        assertEquals(listOf("XJ-AT-003 2017-11-20", "XJ-MS-002 2017-09-15"), finals.notes.map { it.record })
    }

    @Test
    fun `national exports report every violation`() {
        val network = importedNetwork()
        val services = network.nationalServices(now, null, null, null, """{"service_limits": {"content": 4, "user_unit": 5}}""")
        assertEquals(
            listOf("XJ-AT-001 2017-07-14/user_unit/5/6", "XJ-AT-002 2017-08-01/content/4/6", "XJ-AT-003 2017-11-20/content/4/5", "XJ-AT-003 2017-11-20/user_unit/5/6"),
            services.violations.map { "${it.record}/${it.field}/${it.limit}/${it.actual}" },
        )
        val instruments = network.nationalInstruments(now, """{"instrument_limits": {"name": 8}}""")
        assertEquals(listOf("XJ-AT-001/9", "XJ-AT-002/11"), instruments.violations.map { "${it.record}/${it.actual}" })
        assertEquals(2uL, instruments.recordCount)
    }

    @Test
    fun `national instruments use labels and wan`() {
        val export = sampleNetwork().nationalInstruments(now, null)
        val rows = records(export.recordsJson).map { Triple(it["internal_id"].asText(), it["original_value_wan"].asText(), it["submit_state"].asText()) }
        assertEquals(
            listOf(
                Triple("XJ-AT-001", "128.60", "正式"),
                Triple("XJ-AT-002", "215.00", "正式"),
                Triple("XJ-AT-003", "98.00", "草稿"),
                Triple("XJ-MS-001", "152.70", "正式"),
            ),
            rows,
        )
        assertEquals(listOf("XJ-MS-002"), export.notes.map { it.record })
    }

    @Test
    fun `service round trip gives equal records`() {
        val network = importedNetwork()
        val rules = """{"min_original_value": null}"""
        val export = network.nationalServices(now, null, null, null, rules)
        assertEquals(6uL, export.recordCount)
        for ((format, bytes) in listOf("csv" to export.csv, "xlsx" to export.xlsx)) {
            val report = readServiceSheet(bytes, format, null)
            assertTrue(report.problems.isEmpty(), format)
            val book = records(network.serviceRecordsJson(null)).map { (it["record"] as com.fasterxml.jackson.databind.node.ObjectNode).put("user_contact", "") }
            assertEquals(book, records(report.recordsJson).map { it["record"] }, format)
            val fresh = sampleNetwork()
            fresh.applyServiceImport(office, now, report, false)
            assertEquals(export.recordsJson, fresh.nationalServices(now, null, null, null, rules).recordsJson, format)
        }
    }

    @Test
    fun `store appends loads and snapshots`(@TempDir dir: Path) {
        val path = dir.resolve("network.sqlite3").toString()
        val store = Store(path)
        assertEquals(0uL, store.head().seq)
        val network = networkWithUnits()
        assertEquals(2uL, store.append(network).seq)
        assertEquals(2uL, store.saveSnapshot(network).seq)

        network.applyInstrumentImport(office, now, readInstrumentSheet(instruments, "csv", null), false)
        network.applyServiceImport(office, now, readServiceSheet(services, "csv", null), true)
        val head = store.append(network)
        assertEquals(network.events().size.toULong(), head.seq)

        val reopened = Store(path)
        assertEquals(head, reopened.head())
        val loaded = reopened.load()
        assertEquals(network.stateJson(), loaded.stateJson())
        assertEquals(network.events(), loaded.events())
        assertEquals(network.stateJson(), reopened.replay().stateJson())
        assertArrayEquals(writeJournal(network.events()), reopened.journal())
        assertTrue(reopened.verify().problems.isEmpty())
    }

    @Test
    fun `store rejects forked and shorter networks`() {
        val store = Store.inMemory()
        store.append(importedNetwork())
        val shorter = assertThrows<LabshareException.InvalidInput> { store.append(networkWithUnits()) }
        assertEquals("history", shorter.field)

        val other = Store.inMemory()
        other.append(networkWithUnits())
        val forked = Network()
        forked.registerUnit(office, now, MemberUnit("XJ-AT", "新疆分析测试研究院", UnitKind.INSTITUTE, "乌鲁木齐市"))
        forked.registerUnit(office, now, MemberUnit("XJ-ZZ", "示例单位", UnitKind.INSTITUTE, "乌鲁木齐市"))
        val error = assertThrows<LabshareException.InvalidInput> { other.append(forked) }
        assertTrue(error.messageEn.contains("event 2 differs"), error.messageEn)
    }

    @Test
    fun `store errors carry their codes`(@TempDir dir: Path) {
        val path = dir.resolve("network.sqlite3").toString()
        val first = Store(path)
        val second = Store(path)
        first.append(networkWithUnits())
        val conflict = assertThrows<LabshareException.Conflict> { second.append(networkWithUnits()) }
        assertEquals("concurrent_write", conflict.code)

        val text = dir.resolve("notes.sqlite3")
        Files.writeString(text, "这不是数据库 ".repeat(100))
        val sqlite = assertThrows<LabshareException.Integrity> { Store(text.toString()) }
        assertEquals("sqlite", sqlite.code)
    }
}
