package labshare

import com.fasterxml.jackson.databind.JsonNode
import com.fasterxml.jackson.databind.ObjectMapper
import java.math.BigDecimal
import java.nio.file.Path
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.assertThrows

// testdata/allocation.json, run against the Kotlin binding with the checks of
// the Rust runner (core/tests/vectors.rs) and the Python runner.
class AllocationVectorsTest {
    private val testdata = Path.of(System.getProperty("labshare.testdata.dir", "../testdata"))
    private val knownFields = setOf("name", "op", "budget", "claims", "expected", "error")
    private val expectedFields = setOf("total_audited", "ratio_percent_4", "amounts", "adjusted")

    @TestFactory
    fun vectors(): List<DynamicTest> {
        val cases = ObjectMapper().readTree(testdata.resolve("allocation.json").toFile())["cases"].toList()
        assertTrue(cases.size >= 20, "allocation.json has only ${cases.size} cases")
        return cases.map { case -> DynamicTest.dynamicTest(case["name"].asText()) { runCase(case) } }
    }

    private fun runCase(case: JsonNode) {
        val unknown = case.fieldNames().asSequence().toSet() - knownFields
        assertTrue(unknown.isEmpty()) { "fields $unknown are unknown to this runner" }
        assertEquals("allocate_proportional", case["op"].asText())
        val budget = BigDecimal(case["budget"].asText())
        val claims = case["claims"].map { Claim(it["unit"].asText(), BigDecimal(it["audited"].asText())) }

        if (case.has("error")) {
            val error = assertThrows<LabshareException> { allocateProportional(budget, claims) }
            assertEquals(case["error"].asText(), error.code)
            return
        }

        val allocation = allocateProportional(budget, claims)
        val expected = case["expected"]
        assertEquals(expectedFields, expected.fieldNames().asSequence().toSet())
        assertEquals(expected["total_audited"].asText(), allocation.totalAudited.toPlainString())
        assertEquals(expected["ratio_percent_4"].asText(), allocation.ratioPercent(4).toPlainString())
        assertEquals(expected["amounts"].map { it.asText() }, allocation.shares.map { it.amount.toPlainString() })
        val adjusted = allocation.shares.filter { it.adjustment.signum() != 0 }.map { it.unit }.sorted()
        assertEquals(expected["adjusted"].map { it.asText() }, adjusted)
        assertEquals(allocation.budget, allocation.total)
        assertEquals(allocation.budget, allocation.shares.fold(BigDecimal("0.00")) { sum, share -> sum + share.amount })
    }
}
