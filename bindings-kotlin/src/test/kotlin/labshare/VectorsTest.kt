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
import org.junit.jupiter.api.fail

// Shared conformance vectors from testdata/, run against the Kotlin binding.
// The Rust and Python runners read the same files. A case passes when every
// expected field it has matches: `error` means the call must throw a
// LabshareException with that code.
class VectorsTest {
    private val testdata = Path.of(System.getProperty("labshare.testdata.dir", "../testdata"))

    // The vector files this runner reads, each with the function for every op.
    private val operations: Map<String, Map<String, (String) -> BigDecimal>> = mapOf(
        "money.json" to mapOf(
            "parse" to ::parseMoney,
            "parse_rounded" to ::parseMoneyRounded,
            "round" to { text -> roundMoney(BigDecimal(text)) },
        ),
    )

    // Expected-value fields, each with how to compute its actual value from
    // the call's result. `yuan` compares text, so 1234.5 fails "1234.50".
    private val resultChecks: Map<String, (BigDecimal) -> String> = mapOf(
        "yuan" to { amount -> amount.toPlainString() },
        "format_yuan" to ::formatYuan,
        "format_wan" to ::formatWan,
    )

    private val knownFields = setOf("name", "op", "input", "error") + resultChecks.keys

    @TestFactory
    fun vectors(): List<DynamicTest> = operations.flatMap { (fileName, fileOperations) ->
        val document = ObjectMapper().readTree(testdata.resolve(fileName).toFile())
        document["cases"].map { case ->
            DynamicTest.dynamicTest("$fileName:${case["name"].asText()}") { runCase(case, fileOperations) }
        }
    }

    private fun runCase(case: JsonNode, fileOperations: Map<String, (String) -> BigDecimal>) {
        val unknown = case.fieldNames().asSequence().toSet() - knownFields
        assertTrue(unknown.isEmpty()) { "fields $unknown are unknown to this runner; add them to resultChecks" }
        val op = case["op"].asText()
        val operation = fileOperations[op] ?: fail("op '$op' is unknown to this runner; add it to operations")
        val expectedFields = resultChecks.keys.filter { case.has(it) }
        assertTrue(expectedFields.isNotEmpty() || case.has("error")) { "case has no expected field" }
        val input = case["input"].asText()

        if (case.has("error")) {
            val error = assertThrows<LabshareException> { operation(input) }
            assertEquals(case["error"].asText(), error.code)
            return
        }

        val result = operation(input)
        for (field in expectedFields) {
            val actual = resultChecks.getValue(field)(result)
            assertEquals(case[field].asText(), actual) { "$field of '$input'" }
        }
    }
}
