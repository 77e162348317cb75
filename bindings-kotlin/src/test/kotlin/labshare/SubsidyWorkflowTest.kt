package labshare

import com.fasterxml.jackson.databind.JsonNode
import com.fasterxml.jackson.databind.ObjectMapper
import java.math.BigDecimal
import java.time.Instant
import java.time.LocalDate
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

// The subsidy workflow and the special fund on a Network, through Kotlin. Two
// member units with one published instrument each apply for the 2017 subsidy;
// U2 repeats U1's invoice FP-1, so the audit excludes that line.
class SubsidyWorkflowTest {
    private val json = ObjectMapper()
    private val office = Actor.Office("office-1")
    private val admin1 = Actor.UnitAdmin("admin-u1", "U1")
    private val admin2 = Actor.UnitAdmin("admin-u2", "U2")

    private fun at(year: Int, month: Int, day: Int): Instant = Instant.parse("%04d-%02d-%02dT02:00:00Z".format(year, month, day))

    private val rules = """
        {"id": "xj-subsidy", "version": 1,
         "title": {"zh": "运行补贴实施细则", "en": "Operating subsidy rules"},
         "years": {"from": 2017},
         "text": {"zh": "按核算后的对外服务收入比例分配。", "en": "Split in proportion to audited external income."},
         "audit": {"client_regions": ["65"]},
         "allocation": {"base": {"method": "proportional"}}}
    """

    private fun record(number: String, instrument: String, amount: String) = """
        {"document_kind": "invoice", "document_number": "$number", "date": "2017-06-01",
         "client": "某化工公司", "client_region": "650100", "relation": "independent",
         "instrument": "$instrument", "mode": "commissioned", "nature": "general", "amount": "$amount"}
    """

    private fun form(unit: String, vararg records: String) =
        """{"unit": "$unit", "year": 2017, "records": [${records.joinToString(",")}]}"""

    private val fundBudget = """
        [{"category": "office_costs", "amount": "200000"}, {"category": "subsidies", "amount": "700000"},
         {"category": "rewards", "amount": "50000"}, {"category": "vouchers", "amount": "50000"}]
    """

    private fun twoUnits(): Network {
        val network = Network()
        for ((id, name) in listOf("U1" to "示例研究所", "U2" to "示例大学")) {
            network.registerUnit(office, at(2017, 1, 2), MemberUnit(id, name, UnitKind.INSTITUTE, "乌鲁木齐市"))
        }
        val instrument = InstrumentRecord(
            name = "气相色谱仪", categoryCode = "010101", source = AcquisitionSource.PURCHASED,
            originalValue = BigDecimal("500000"), countryOfOrigin = "US",
            manufacturer = "Agilent Technologies", model = "7890B",
            commissioningDate = LocalDate.of(2015, 3, 1), specifications = "见说明书",
            functions = "有机物分析", operatingStatus = OperatingStatus.NORMAL,
            sharingMode = SharingMode.EXTERNAL, location = "乌鲁木齐市",
        )
        for ((id, owner, admin) in listOf(Triple("I1", "U1", admin1), Triple("I2", "U2", admin2))) {
            network.submitInstrument(admin, at(2017, 1, 3), id, owner, instrument)
            network.publishInstrument(office, at(2017, 1, 5), id)
        }
        return network
    }

    private fun applied(): Network {
        val network = twoUnits()
        network.publishRuleSet(office, at(2018, 9, 1), rules)
        network.applyForSubsidy(admin1, at(2018, 10, 8), form("U1", record("FP-1", "I1", "30000.00"), record("FP-2", "I1", "10000.00")))
        network.applyForSubsidy(admin2, at(2018, 10, 8), form("U2", record("FP-1", "I2", "5000.00"), record("FP-3", "I2", "20000.00")))
        return network
    }

    private fun auditBoth(network: Network) {
        network.auditSubsidyApplication(office, at(2018, 10, 20), "U1", 2017)
        network.auditSubsidyApplication(office, at(2018, 10, 20), "U2", 2017)
    }

    private fun read(text: String): JsonNode = json.readTree(text)

    private fun yuan(node: JsonNode): BigDecimal = BigDecimal(node.asText())

    @Test
    fun `apply needs published rules`() {
        val network = twoUnits()
        val error = assertThrows<LabshareException> {
            network.applyForSubsidy(admin1, at(2018, 10, 1), form("U1", record("FP-1", "I1", "1.00")))
        }
        assertEquals("rule_violation", error.code)
        assertEquals("subsidy.no_rule_set", error.rule, error.message)
    }

    @Test
    fun `unit admin reads only its own application and audit`() {
        val network = applied()
        auditBoth(network)
        assertEquals("U1", read(network.subsidyApplication(admin1, "U1", 2017))["form"]["unit"].asText())
        assertEquals(0, BigDecimal("40000").compareTo(yuan(read(network.subsidyAudit(admin1, "U1", 2017))["audited_total"])))
        val denied = listOf(
            { network.subsidyApplication(admin1, "U2", 2017) },
            { network.subsidyAudit(admin1, "U2", 2017) },
            { network.subsidyAudit(admin2, "U1", 2017) },
            { network.subsidyAudit(Actor.User("visitor", "U1"), "U1", 2017) },
            { network.subsidyApplications(admin1, 2017) },
        )
        for (call in denied) {
            val error = assertThrows<LabshareException.PermissionDenied> { call() }
            assertEquals("permission_denied", error.code)
        }
        assertEquals(2, read(network.subsidyApplications(office, 2017)).size())
    }

    @Test
    fun `unit admin cannot change another unit's audit`() {
        val network = applied()
        network.auditSubsidyApplication(office, at(2018, 10, 20), "U2", 2017)
        val before = network.stateJson()
        val adjustment = """{"line": 1, "amount": "1.00", "reason": "改小"}"""
        val attempts = listOf(
            { network.adjustSubsidyAudit(admin1, at(2018, 10, 21), "U2", 2017, adjustment) },
            { network.adjustSubsidyAudit(admin2, at(2018, 10, 21), "U2", 2017, adjustment) },
            { network.auditSubsidyApplication(admin1, at(2018, 10, 21), "U2", 2017) },
            { network.withdrawSubsidyApplication(admin1, at(2018, 10, 21), "U2", 2017) },
            { network.allocateSubsidies(admin2, at(2018, 10, 21), 2017, BigDecimal("100")) },
        )
        for (call in attempts) assertThrows<LabshareException.PermissionDenied> { call() }
        assertEquals(before, network.stateJson())
    }

    @Test
    fun `adjustment with reason, claimed invoice and replay`() {
        val network = applied()
        auditBoth(network)
        val audit2 = read(network.subsidyAudit(office, "U2", 2017))
        assertEquals(0, BigDecimal("20000").compareTo(yuan(audit2["audited_total"])))
        assertEquals(listOf("already_claimed"), audit2["records"][0]["exclusions"].map { it["code"].asText() })

        val adjustment = """{"line": 2, "amount": "6000.00", "reason": "发票含耗材费 4000 元"}"""
        network.adjustSubsidyAudit(office, at(2018, 10, 22), "U1", 2017, adjustment)
        val audit = read(network.subsidyAudit(admin1, "U1", 2017))
        assertEquals(0, BigDecimal("36000").compareTo(yuan(audit["audited_total"])))
        assertEquals(0, BigDecimal("10000").compareTo(yuan(audit["adjustments"][0]["previous"])))
        val steps = read(network.subsidyApplication(admin1, "U1", 2017))["history"].map { it["step"].asText() }
        assertEquals(listOf("submitted", "audited", "adjusted"), steps)
        val empty = """{"line": 1, "amount": "1.00", "reason": " "}"""
        val error = assertThrows<LabshareException.InvalidInput> { network.adjustSubsidyAudit(office, at(2018, 10, 23), "U1", 2017, empty) }
        assertEquals("missing", error.code)
        assertEquals(network.stateJson(), Network.replay(network.events()).stateJson())
    }

    @Test
    fun `allocate, pay, report and explain`() {
        val network = applied()
        auditBoth(network)
        network.openFundYear(office, at(2018, 1, 5), 2018, BigDecimal("1000000"), fundBudget)
        network.allocateSubsidies(office, at(2018, 11, 1), 2017, BigDecimal("1500.00"))

        val share = read(network.subsidyShare(admin1, "U1", 2017))
        assertEquals("1000.00", share["amount"].asText())
        val english = share["explanation"]["steps"].joinToString("\n") { it["en"].asText() }
        assertTrue(english.contains("rule set xj-subsidy version 1"), english)
        assertTrue(english.contains("subsidy amount: 1,000.00元"), english)
        assertThrows<LabshareException.PermissionDenied> { network.subsidyShare(admin2, "U1", 2017) }
        assertThrows<LabshareException.PermissionDenied> { network.subsidyAllocation(admin1, 2017) }
        assertEquals("allocated", read(network.subsidyApplication(office, "U2", 2017))["state"].asText())

        network.paySubsidies(office, at(2018, 12, 10), 2017, 2018)
        assertEquals(0, BigDecimal("1500").compareTo(yuan(read(network.fundReport(office, 2018))["spent"])))
        val payments = read(network.fundYear(office, 2018))["ledger"]
            .filter { it["kind"]["kind"].asText() == "payment" }
            .map { it["kind"]["payee"].asText() to yuan(it["amount"]).stripTrailingZeros() }
        assertEquals(listOf("U1" to BigDecimal("1000").stripTrailingZeros(), "U2" to BigDecimal("500").stripTrailingZeros()), payments)
        val again = assertThrows<LabshareException> { network.paySubsidies(office, at(2018, 12, 11), 2017, 2018) }
        assertEquals("invalid_state", again.code)
        assertThrows<LabshareException.PermissionDenied> { network.fundReport(admin1, 2018) }
        assertEquals(0, BigDecimal("1500").compareTo(yuan(read(network.subsidyHistory(office))["total_paid"])))
        assertEquals(network.stateJson(), Network.replay(network.events()).stateJson())
    }

    @Test
    fun `bad JSON names the argument`() {
        val error = assertThrows<LabshareException.InvalidInput> {
            allocateSubsidyAmounts("""{"id": "x"}""", BigDecimal("1"), "[]")
        }
        assertEquals("invalid_value", error.code)
        assertEquals("rule_set", error.field)
    }
}
