package labshare

import com.fasterxml.jackson.databind.JsonNode
import com.fasterxml.jackson.databind.ObjectMapper
import com.fasterxml.jackson.databind.node.NullNode
import com.fasterxml.jackson.databind.node.ObjectNode
import java.math.BigDecimal
import java.nio.file.Path
import java.time.Instant
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.assertThrows

// testdata/subsidy_rules.json, subsidy_audit.json, subsidy_analysis.json and
// fund.json, run against the Kotlin binding with the checks of the Rust runner
// (core/tests/subsidy_vectors.rs) and the Python runner. Amounts and ratios
// compare as numbers (compareTo), as core's Decimal does, so "0.9" equals "0.90".
class SubsidyFundVectorsTest {
    private val testdata = Path.of(System.getProperty("labshare.testdata.dir", "../testdata"))
    private val json = ObjectMapper()
    private val office = Actor.Office("office")
    private val now = Instant.parse("2018-12-10T02:00:00Z")

    private fun load(name: String): List<JsonNode> {
        val document = json.readTree(testdata.resolve(name).toFile())
        assertTrue(document["description"].isTextual, "$name lacks a description")
        return document["cases"].toList()
    }

    private fun tests(name: String, minimum: Int, run: (JsonNode) -> Unit): List<DynamicTest> {
        val cases = load(name)
        assertTrue(cases.size >= minimum, "$name has only ${cases.size} cases")
        return cases.map { case -> DynamicTest.dynamicTest(case["name"].asText()) { run(case) } }
    }

    /** The rule set the Rust runner wraps around each case's rules, as JSON text. */
    private fun ruleSet(allocation: JsonNode, audit: JsonNode? = null, rewards: JsonNode? = null): String {
        val rules = json.createObjectNode()
        rules.put("id", "vector")
        rules.put("version", 1)
        rules.set<ObjectNode>("title", json.createObjectNode().put("zh", "测试细则").put("en", "Vector rules"))
        rules.set<ObjectNode>("years", json.createObjectNode().put("from", 2000))
        rules.set<ObjectNode>(
            "text",
            json.createObjectNode().put("zh", "测试用细则。").put("en", "Rules for the conformance vectors."),
        )
        rules.set<JsonNode>("allocation", allocation)
        if (audit != null) rules.set<JsonNode>("audit", audit)
        if (rewards != null) rules.set<JsonNode>("rewards", rewards)
        return rules.toString()
    }

    private val proportional: JsonNode = json.readTree("""{"base": {"method": "proportional"}}""")

    private fun number(node: JsonNode): BigDecimal = BigDecimal(node.asText())

    private fun assertSame(want: JsonNode, got: JsonNode, what: String) {
        assertTrue(got.isTextual, "$what: $got is not decimal text")
        assertEquals(0, number(want).compareTo(number(got)), "$what: want $want, got $got")
    }

    private fun expectError(case: JsonNode, call: () -> Unit) {
        val error = assertThrows<LabshareException> { call() }
        assertEquals(case["error"].asText(), error.code, "${case["name"]}: ${error.message}")
    }

    @TestFactory
    fun subsidyRules() = tests("subsidy_rules.json", 20) { case ->
        when (case["op"].asText()) {
            "allocate" -> runAllocate(case)
            "rewards" -> runRewards(case)
            else -> error("unknown op ${case["op"]}")
        }
    }

    private fun runAllocate(case: JsonNode) {
        val rules = ruleSet(case["allocation"])
        val budget = number(case["budget"])
        val incomes = case["incomes"].toString()
        if (case.has("error")) {
            expectError(case) { allocateSubsidy(rules, budget, incomes) }
            expectError(case) { allocateSubsidyAmounts(rules, budget, incomes) }
            if (case["incomes"].none { it.has("instruments") }) {
                val units = case["incomes"].map { it["unit"].asText() }
                val audited = case["incomes"].map { BigDecimal(it["audited"].asText()) }
                expectError(case) { allocateSubsidyColumns(rules, budget, units, audited) }
            }
            return
        }
        val result = json.readTree(allocateSubsidy(rules, budget, incomes))
        val expected = case["expected"]
        assertEquals(expected["amounts"].size(), result["units"].size())
        for (unit in result["units"]) {
            val id = unit["unit"].asText()
            assertSame(expected["amounts"][id], unit["amount"], "amount of $id")
            if (expected.has("limits")) assertEquals(expected["limits"][id], unit["limit"], "limit of $id")
        }
        assertSame(expected["returned_to_fund"], result["returned_to_fund"], "returned")
        assertEquals(0, (number(result["paid_total"]) + number(result["returned_to_fund"])).compareTo(budget), "sum")
        assertEquals(json.readTree("""{"id": "vector", "version": 1}"""), result["rule_set"])
        // The fast form gives the same amounts and limits in the same order.
        val amounts = json.readTree(allocateSubsidyAmounts(rules, budget, incomes))
        val fast = amounts["units"].map { Triple(it["unit"], it["amount"], it["limit"]) }
        assertEquals(result["units"].map { Triple(it["unit"], it["amount"], it["limit"]) }, fast)
        assertEquals(result["returned_to_fund"], amounts["returned_to_fund"])
        if (case["incomes"].none { it.has("instruments") }) checkColumns(rules, budget, case["incomes"], result)
    }

    /** Checks that both column forms, from BigDecimal and from fen, give the amounts and limits of allocateSubsidy. */
    private fun checkColumns(rules: String, budget: BigDecimal, incomes: JsonNode, result: JsonNode) {
        val units = incomes.map { it["unit"].asText() }
        val audited = incomes.map { BigDecimal(it["audited"].asText()) }
        val wantFen = result["units"].map { number(it["amount"]).movePointRight(2).longValueExact() }
        val wantLimits = result["units"].map { it["limit"].asText() }
        val fromYuan = allocateSubsidyColumns(rules, budget, units, audited)
        val fromFen = allocateSubsidyColumnsFen(rules, budget, units, audited.map { it.movePointRight(2).longValueExact() })
        for (columns in listOf(fromYuan, fromFen)) {
            assertEquals(wantFen, columns.amountsFen)
            assertEquals(wantLimits, columns.limits)
            assertEquals(0, columns.paidTotal.compareTo(number(result["paid_total"])), "paid total")
            assertEquals(0, columns.returnedToFund.compareTo(number(result["returned_to_fund"])), "returned")
            assertEquals("vector", columns.ruleSetId)
            assertEquals(1u, columns.ruleSetVersion)
        }
    }

    private fun runRewards(case: JsonNode) {
        val rules = ruleSet(proportional, rewards = case["rewards"])
        val pool = number(case["pool"])
        val scores = case["scores"].toString()
        if (case.has("error")) {
            expectError(case) { allocateRewards(rules, pool, scores) }
            return
        }
        val result = json.readTree(allocateRewards(rules, pool, scores))
        val expected = case["expected"]
        for (award in result["awards"]) {
            val group = award["group"].asText()
            assertSame(expected["prizes"][group], award["prize"], "prize of $group")
            // A group below the minimum score has no rank: absent on both sides.
            val noRank = NullNode.getInstance()
            assertEquals(expected["ranks"][group] ?: noRank, award["rank"] ?: noRank, "rank of $group")
        }
        assertSame(expected["awarded_total"], result["awarded_total"], "awarded")
        assertSame(expected["returned_to_fund"], result["returned_to_fund"], "returned")
    }

    @TestFactory
    fun subsidyAudit() = tests("subsidy_audit.json", 5) { case ->
        assertEquals("audit", case["op"].asText())
        val rules = ruleSet(proportional, audit = case["audit_rules"])
        val call = {
            auditApplication(rules, case["form"].toString(), case["context"].toString(), case["adjustments"].toString())
        }
        if (case.has("error")) {
            expectError(case) { call() }
        } else {
            val result = json.readTree(call())
            val expected = case["expected"]
            for (key in listOf("applied_total", "computed_total", "audited_total")) {
                assertSame(expected[key], result[key], key)
            }
            assertEquals(expected["rule_set"], result["rule_set"])
            val lines = expected["lines"].toList()
            assertEquals(lines.size, result["records"].size(), "line count")
            for ((record, want) in result["records"].zip(lines)) {
                val line = record["line"]
                assertEquals(want["line"], line)
                assertEquals(want["included"], record["included"], "line $line included")
                assertEquals(want["codes"].map { it.asText() }, record["exclusions"].map { it["code"].asText() }, "line $line codes")
                assertSame(want["counted"], record["counted"], "line $line counted")
            }
            val byInstrument = result["by_instrument"].associate { it["instrument"].asText() to number(it["audited"]).stripTrailingZeros() }
            val wantByInstrument = expected["by_instrument"].fields().asSequence()
                .associate { it.key to number(it.value).stripTrailingZeros() }
            assertEquals(wantByInstrument, byInstrument)
        }
    }

    @TestFactory
    fun subsidyAnalysis() = tests("subsidy_analysis.json", 1) { case ->
        when (case["op"].asText()) {
            "concentration" -> {
                val amounts = case["amounts"].map { number(it) }
                checkConcentration(case["expected"], json.readTree(subsidyConcentration(amounts)))
            }
            "history" -> runHistory(case)
            "what_if" -> runWhatIf(case)
            else -> error("unknown op ${case["op"]}")
        }
    }

    private fun checkConcentration(expected: JsonNode, result: JsonNode) {
        assertSame(expected["total"], result["total"], "total")
        assertEquals(expected["recipients"], result["recipients"], "recipients")
        assertSame(expected["top3_share"], result["top3_share"], "top three")
        assertSame(expected["hhi"], result["hhi"], "HHI")
    }

    private fun runHistory(case: JsonNode) {
        val years = case["years"].toString()
        if (case.has("error")) {
            expectError(case) { subsidyHistory(years) }
            return
        }
        val result = json.readTree(subsidyHistory(years))
        val expected = case["expected"]
        for (key in listOf("total_audited", "total_paid", "min_ratio", "max_ratio")) assertSame(expected[key], result[key], key)
        assertEquals(expected["years"].size(), result["years"].size())
        for ((line, want) in result["years"].zip(expected["years"])) {
            val year = line["year"]
            assertEquals(want["year"], year)
            assertSame(want["total_paid"], line["total_paid"], "$year total paid")
            assertSame(want["ratio"], line["ratio"], "$year ratio")
            assertEquals(want["recipients"], line["concentration"]["recipients"], "$year recipients")
            assertSame(want["top3_share"], line["concentration"]["top3_share"], "$year top three")
            assertSame(want["hhi"], line["concentration"]["hhi"], "$year HHI")
            assertEquals(want["repeat_recipients"], line["repeat_recipients"], "$year repeat recipients")
            assertSame(want["repeat_recipient_share"], line["repeat_recipient_share"], "$year repeat share")
            assertSame(want["repeat_money_share"], line["repeat_money_share"], "$year repeat money")
        }
        checkConcentration(expected["overall"], result["overall"])
        assertEquals(expected["multi_year_recipients"], result["multi_year_recipients"])
        assertSame(expected["multi_year_recipient_share"], result["multi_year_recipient_share"], "multi-year share")
        assertEquals(expected["every_year_recipients"], result["every_year_recipients"])
        assertSame(expected["every_year_money_share"], result["every_year_money_share"], "every-year money")
        assertEquals(expected["units"].size(), result["units"].size())
        for ((unit, want) in result["units"].zip(expected["units"])) {
            assertEquals(want["unit"], unit["unit"])
            assertSame(want["total"], unit["total"], "total of ${unit["unit"]}")
            assertEquals(want["years_paid"], unit["years_paid"], "years of ${unit["unit"]}")
        }
    }

    private fun runWhatIf(case: JsonNode) {
        val result = json.readTree(
            subsidyWhatIf(ruleSet(case["a"]), ruleSet(case["b"]), number(case["budget"]), case["incomes"].toString()),
        )
        val expected = case["expected"]
        assertEquals(expected["rows"].size(), result["rows"].size())
        for ((row, want) in result["rows"].zip(expected["rows"])) {
            assertEquals(want["unit"], row["unit"])
            for (key in listOf("amount_a", "amount_b", "difference")) assertSame(want[key], row[key], "${row["unit"]} $key")
        }
        assertSame(expected["paid_difference"], result["paid_difference"], "paid difference")
    }

    private fun runFundStep(network: Network, step: JsonNode): String = when (step["do"].asText()) {
        "open_year" -> network.openFundYear(office, now, step["year"].asInt(), number(step["appropriation"]), step["budget"].toString())
        "record_payment" -> network.recordFundPayment(office, now, step["payment"].toString())
        "transfer" -> network.transferFundBudget(office, now, step["transfer"].toString())
        "reverse_payment" -> network.reverseFundPayment(office, now, step["year"].asInt(), step["entry"].asInt().toUInt(), step["reason"].asText())
        "close_year" -> network.closeFundYear(office, now, step["year"].asInt())
        else -> error("unknown step ${step["do"]}")
    }

    @TestFactory
    fun fund() = tests("fund.json", 1) { case ->
        assertEquals("fund", case["op"].asText())
        val network = Network()
        val events = mutableListOf<String>()
        for ((index, step) in case["steps"].withIndex()) {
            val before = network.stateJson()
            if (step.has("error")) {
                val error = assertThrows<LabshareException> { runFundStep(network, step) }
                assertEquals(step["error"].asText(), error.code, "step ${index + 1}: ${error.message}")
                assertEquals(before, network.stateJson(), "failed step ${index + 1} changed the state")
            } else {
                events += runFundStep(network, step)
            }
        }
        for ((year, want) in case["expected"].fields()) {
            val report = json.readTree(network.fundReport(office, year.toInt()))
            for (key in listOf("appropriation", "carried_in", "available", "spent", "carried_out", "balance")) {
                assertSame(want[key], report[key], "$year $key")
            }
            assertSame(want["execution_rate"], report["execution_rate"], "$year rate")
            assertEquals(want["closed"], report["closed"], "$year closed")
            for (line in report["categories"]) {
                val category = line["category"].asText()
                for (key in listOf("available", "spent", "carried_out")) {
                    assertSame(want["categories"][category][key], line[key], "$year $category $key")
                }
            }
        }
        assertEquals(network.stateJson(), Network.replay(events).stateJson(), "replay")
        assertEquals(events, network.events())
    }
}
