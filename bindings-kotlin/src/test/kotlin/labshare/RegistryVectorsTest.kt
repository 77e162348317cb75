package labshare

import com.fasterxml.jackson.databind.JsonNode
import com.fasterxml.jackson.databind.ObjectMapper
import java.math.BigDecimal
import java.nio.file.Path
import java.time.Instant
import java.time.LocalDate
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.fail

// testdata/registry.json, run against the Kotlin binding with the checks of
// the Rust runner (core/tests/registry_vectors.rs) and the Python runner.
// Steps run in order on a new network. A step with `error` must fail with
// that code and change neither the state nor the events.
class RegistryVectorsTest {
    private val testdata = Path.of(System.getProperty("labshare.testdata.dir", "../testdata"))
    private val json = ObjectMapper()
    private val stepFields = mapOf(
        "register_unit" to setOf("unit"),
        "submit_instrument" to setOf("instrument", "unit", "record"),
        "revise_instrument" to setOf("instrument", "record"),
        "publish_instrument" to setOf("instrument"),
        "return_instrument" to setOf("instrument", "reason"),
        "file_usage" to setOf("report"),
    )

    @TestFactory
    fun vectors(): List<DynamicTest> {
        val cases = json.readTree(testdata.resolve("registry.json").toFile())["cases"].toList()
        assertTrue(cases.size >= 20, "registry.json has only ${cases.size} cases")
        return cases.map { case -> DynamicTest.dynamicTest(case["name"].asText()) { runCase(case) } }
    }

    // Enum names in the vectors are core's serde names, such as
    // `testing_centre`; Kotlin's constants are the same in capitals.
    private inline fun <reified T : Enum<T>> enumOf(node: JsonNode): T = enumValueOf(node.asText().uppercase())

    private fun text(node: JsonNode, field: String): String = node[field].asText()

    private fun optionalText(node: JsonNode, field: String): String? =
        node[field]?.takeUnless { it.isNull }?.asText()

    private fun actor(node: JsonNode): Actor {
        val id = text(node, "id")
        return when (val role = text(node, "role")) {
            "office" -> Actor.Office(id)
            "unit_admin" -> Actor.UnitAdmin(id, text(node, "unit"))
            "user" -> Actor.User(id, optionalText(node, "unit"))
            "enterprise" -> Actor.Enterprise(id, text(node, "enterprise"))
            "expert" -> Actor.Expert(id)
            else -> fail("role $role is unknown to this runner")
        }
    }

    private fun unit(node: JsonNode) =
        MemberUnit(text(node, "id"), text(node, "name"), enumOf(node["kind"]), text(node, "region"))

    private fun record(node: JsonNode) = InstrumentRecord(
        name = text(node, "name"),
        englishName = text(node, "english_name"),
        categoryCode = text(node, "category_code"),
        source = enumOf(node["source"]),
        originalValue = BigDecimal(text(node, "original_value")),
        countryOfOrigin = text(node, "country_of_origin"),
        manufacturer = text(node, "manufacturer"),
        model = text(node, "model"),
        commissioningDate = LocalDate.parse(text(node, "commissioning_date")),
        specifications = text(node, "specifications"),
        functions = text(node, "functions"),
        disciplines = node["disciplines"].map { it.asText() },
        serviceContent = text(node, "service_content"),
        operatingStatus = enumOf(node["operating_status"]),
        sharingMode = enumOf(node["sharing_mode"]),
        sharingRules = text(node, "sharing_rules"),
        feeStandard = text(node, "fee_standard"),
        bookingUrl = text(node, "booking_url"),
        location = text(node, "location"),
        contact = text(node, "contact"),
    )

    private fun report(node: JsonNode) = UsageReport(
        instrument = text(node, "instrument"),
        year = node["year"].asInt(),
        operatingHours = BigDecimal(text(node, "operating_hours")),
        effectiveHours = BigDecimal(text(node, "effective_hours")),
        samples = node["samples"].asLong(),
        externalIncome = BigDecimal(text(node, "external_income")),
    )

    // Values are built inside the step, so a bad value fails the step, as in
    // the Rust runner.
    private fun runStep(network: Network, step: JsonNode): String {
        val who = actor(step["actor"])
        val now = Instant.parse(text(step, "at"))
        return when (val op = text(step, "op")) {
            "register_unit" -> network.registerUnit(who, now, unit(step["unit"]))
            "submit_instrument" ->
                network.submitInstrument(who, now, text(step, "instrument"), text(step, "unit"), record(step["record"]))
            "revise_instrument" -> network.reviseInstrument(who, now, text(step, "instrument"), record(step["record"]))
            "publish_instrument" -> network.publishInstrument(who, now, text(step, "instrument"))
            "return_instrument" -> network.returnInstrument(who, now, text(step, "instrument"), text(step, "reason"))
            "file_usage" -> network.fileUsage(who, now, report(step["report"]))
            else -> fail("op $op is unknown to this runner")
        }
    }

    private fun stateName(state: ReviewState): String = when (state) {
        ReviewState.Submitted -> "submitted"
        is ReviewState.Returned -> "returned"
        ReviewState.Published -> "published"
        ReviewState.RevisionPending -> "revision_pending"
        is ReviewState.RevisionReturned -> "revision_returned"
    }

    private fun checkExpectations(network: Network, expect: JsonNode?) {
        if (expect == null || expect.isNull) return
        assertTrue((expect.fieldNames().asSequence().toSet() - setOf("instruments", "usage")).isEmpty())
        expect["instruments"]?.fields()?.forEach { (id, expected) ->
            assertEquals(setOf("state", "published_name", "pending_name", "history"), expected.fieldNames().asSequence().toSet())
            val instrument = network.instrument(id)
            assertEquals(text(expected, "state"), stateName(instrument.state), id)
            assertEquals(optionalText(expected, "published_name"), instrument.published?.name, id)
            assertEquals(optionalText(expected, "pending_name"), instrument.pending?.name, id)
            assertEquals(expected["history"].map { it.asText() }, instrument.history.map { it.step }, id)
        }
        expect["usage"]?.fields()?.forEach { (year, expected) ->
            val totals = network.networkUsageTotals(year.toInt())
            assertEquals(expected["instruments"].asLong(), totals.instruments, year)
            // compareTo ignores trailing zeros, as the Rust runner's
            // normalize() does: 1300.50 hours equals "1300.5".
            assertEquals(0, BigDecimal(text(expected, "operating_hours")).compareTo(totals.operatingHours), year)
            assertEquals(0, BigDecimal(text(expected, "effective_hours")).compareTo(totals.effectiveHours), year)
            assertEquals(expected["samples"].asLong(), totals.samples, year)
            assertEquals(text(expected, "external_income"), totals.externalIncome.toPlainString(), year)
        }
    }

    private fun runCase(case: JsonNode) {
        assertTrue((case.fieldNames().asSequence().toSet() - setOf("name", "steps", "expect")).isEmpty())
        val network = Network()
        case["steps"].forEachIndexed { index, step ->
            val known = setOf("op", "actor", "at", "error") + (stepFields[text(step, "op")] ?: emptySet())
            val unknown = step.fieldNames().asSequence().toSet() - known
            assertTrue(unknown.isEmpty()) { "step $index: fields $unknown are unknown to this runner" }
            val beforeState = network.stateJson()
            val beforeEvents = network.events()

            if (step.has("error")) {
                val error = assertThrows<LabshareException>("step $index") { runStep(network, step) }
                assertEquals(text(step, "error"), error.code, "step $index: ${error.messageEn}")
                assertEquals(beforeState, network.stateJson(), "step $index: a failed step changed the state")
                assertEquals(beforeEvents, network.events(), "step $index: a failed step recorded an event")
                return@forEachIndexed
            }

            val event = json.readTree(runStep(network, step))
            assertEquals(beforeEvents.size + 1, event["seq"].asInt(), "step $index")
            assertEquals(event, json.readTree(network.events().last()), "step $index")
        }
        checkExpectations(network, case["expect"])
        assertEquals(network.stateJson(), Network.replay(network.events()).stateJson())
    }
}
