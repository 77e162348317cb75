package labshare

import com.fasterxml.jackson.databind.JsonNode
import com.fasterxml.jackson.databind.ObjectMapper
import java.math.BigDecimal
import java.nio.file.Path
import java.time.Instant
import java.time.LocalDate
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.fail

// testdata/credit_code.json, sme_size.json and vouchers.json, run against the
// Kotlin binding with the checks of the Rust runner
// (core/tests/voucher_vectors.rs) and the Python runner: every expected
// field, the error code of every failing step and, for a rule violation, the
// rule's name. A failing step changes neither the state nor the events.
class VoucherVectorsTest {
    private val testdata = Path.of(System.getProperty("labshare.testdata.dir", "../testdata"))
    private val json = ObjectMapper()
    private val scheme = "xj-cxq-2018"

    private fun load(fileName: String): List<JsonNode> =
        json.readTree(testdata.resolve(fileName).toFile())["cases"].toList()

    private fun text(node: JsonNode, field: String): String = node[field].asText()

    private fun optionalText(node: JsonNode, field: String): String? =
        node[field]?.takeUnless { it.isNull }?.asText()

    // credit_code.json

    @TestFactory
    fun creditCodeVectors(): List<DynamicTest> {
        val cases = load("credit_code.json")
        assertTrue(cases.size >= 20, "credit_code.json has only ${cases.size} cases")
        return cases.map { case -> DynamicTest.dynamicTest(text(case, "name")) { runCreditCode(case) } }
    }

    private fun runCreditCode(case: JsonNode) {
        val input = text(case, "input")
        when (val op = text(case, "op")) {
            "check_character" ->
                assertEquals(text(case["expected"], "check"), creditCodeCheckCharacter(input))
            "parse" -> {
                if (case.has("error")) {
                    val error = assertThrows<LabshareException> { parseCreditCode(input) }
                    assertEquals(text(case, "error"), error.code)
                    assertTrue(error.messageEn.contains(text(case, "message_contains")), error.messageEn)
                    return
                }
                val code = parseCreditCode(input)
                assertEquals(text(case["expected"], "code"), code.code)
                assertEquals(text(case["expected"], "division"), code.division)
                assertEquals(code.code.substring(0, 1), code.authority)
            }
            else -> fail("op $op is unknown to this runner")
        }
    }

    // sme_size.json

    @TestFactory
    fun sizeVectors(): List<DynamicTest> {
        val cases = load("sme_size.json")
        assertTrue(cases.size >= 100, "sme_size.json has only ${cases.size} cases")
        return cases.map { case -> DynamicTest.dynamicTest(text(case, "name")) { runSize(case) } }
    }

    private fun runSize(case: JsonNode) {
        assertEquals("classify", text(case, "op"))
        val classify = {
            classifySize(
                text(case, "industry"),
                case["staff"].asLong(),
                BigDecimal(text(case, "revenue")),
                BigDecimal(text(case, "total_assets")),
            )
        }
        if (case.has("error")) {
            val error = assertThrows<LabshareException> { classify() }
            assertEquals(text(case, "error"), error.code)
            return
        }
        val result = json.readTree(classify())
        val expected = case["expected"]
        assertEquals(text(expected, "class"), text(result, "class"))
        assertEquals(text(expected, "industry"), text(result, "industry"))
        val tested = result["tests"].map { text(it, "class") to it["reached"].asBoolean() }
        val expectedTested = expected["tested"].map { text(it, "class") to it["reached"].asBoolean() }
        assertEquals(expectedTested, tested)
        assertTrue(result["explanation"]["steps"].size() > 0, "a classification explains itself")
    }

    // vouchers.json

    @TestFactory
    fun voucherVectors(): List<DynamicTest> {
        val cases = load("vouchers.json")
        assertTrue(cases.size >= 15, "vouchers.json has only ${cases.size} cases")
        return cases.map { case -> DynamicTest.dynamicTest(text(case, "name")) { runVoucherCase(case) } }
    }

    // Enum names in the vectors are core's serde names, such as
    // `testing_centre`; Kotlin's constants are the same in capitals.
    private inline fun <reified T : Enum<T>> enumOf(node: JsonNode): T = enumValueOf(node.asText().uppercase())

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

    private fun asJson(node: JsonNode): String = json.writeValueAsString(node)

    // Values are built inside the step, so a bad value fails the step, as in
    // the Rust runner.
    private fun runStep(network: Network, step: JsonNode): String {
        val who = actor(step["actor"])
        val now = Instant.parse(text(step, "at"))
        return when (val op = text(step, "op")) {
            "register_unit" -> network.registerUnit(who, now, unit(step["unit"]))
            "submit_instrument" ->
                network.submitInstrument(who, now, text(step, "instrument"), text(step, "unit"), record(step["record"]))
            "publish_instrument" -> network.publishInstrument(who, now, text(step, "instrument"))
            "register_applicant" -> network.registerApplicant(who, now, asJson(step["applicant"]))
            "record_provider_ties" -> network.recordProviderTies(who, now, asJson(step["ties"]))
            "publish_voucher_scheme" -> network.publishVoucherScheme(who, now, asJson(step["scheme"]))
            "set_booking_policy" ->
                network.setBookingPolicy(who, now, text(step, "instrument"), Instant.parse(text(step, "effective_from")), asJson(step["policy"]))
            "request_samples" -> network.requestSamples(who, now, asJson(step["request"])).event
            "confirm_booking" -> network.confirmBooking(who, now, step["booking"].asLong()).event
            "complete_booking" -> network.completeBooking(who, now, step["booking"].asLong(), asJson(step["completion"])).event
            "cancel_booking" -> network.cancelBooking(who, now, step["booking"].asLong(), optionalText(step, "reason")).event
            "open_fund_year" ->
                network.openFundYear(who, now, step["year"].asInt(), BigDecimal(text(step, "appropriation")), asJson(step["budget"]))
            "fund_voucher_pool" ->
                network.fundVoucherPool(who, now, text(step, "scheme"), step["fund_year"].asInt(), BigDecimal(text(step, "amount")))
            "withdraw_from_voucher_pool" ->
                network.withdrawFromVoucherPool(who, now, text(step, "scheme"), BigDecimal(text(step, "amount")), text(step, "reason"))
            "apply_for_vouchers" -> network.applyForVouchers(who, now, asJson(step["request"]))
            "score_voucher_application" ->
                network.scoreVoucherApplication(who, now, text(step, "application"), BigDecimal(text(step, "score")))
            "withdraw_voucher_application" -> network.withdrawVoucherApplication(who, now, text(step, "application"))
            "reject_voucher_application" ->
                network.rejectVoucherApplication(who, now, text(step, "application"), text(step, "reason"))
            "decide_voucher_applications" -> network.decideVoucherApplications(who, now, text(step, "scheme"))
            "issue_vouchers" -> network.issueVouchers(who, now, text(step, "application"))
            "use_vouchers" -> network.useVouchers(who, now, asJson(step["request"]))
            "cancel_voucher_use" -> network.cancelVoucherUse(who, now, step["booking"].asLong(), text(step, "reason"))
            "request_redemption" -> network.requestRedemption(who, now, asJson(step["request"]))
            "audit_redemption" -> network.auditRedemption(who, now, step["booking"].asLong(), asJson(step["decision"]))
            "expire_vouchers" -> network.expireVouchers(who, now, text(step, "scheme"))
            else -> fail("op $op is unknown to this runner")
        }
    }

    private fun checkExpectations(network: Network, expect: JsonNode?) {
        if (expect == null || expect.isNull) return
        val known = setOf("applications", "vouchers", "services", "pool", "fund", "report")
        assertTrue((expect.fieldNames().asSequence().toSet() - known).isEmpty())
        expect["applications"]?.fields()?.forEach { (id, expected) ->
            val application = json.readTree(network.voucherApplication(id))
            assertEquals(text(expected, "state"), text(application["state"], "state"), id)
            assertEquals(text(expected, "granted"), text(application, "granted"), id)
            if (expected.has("rank")) assertEquals(expected["rank"].asLong(), application["decision"]["rank"].asLong(), id)
            if (expected.has("limit")) assertEquals(text(expected, "limit"), text(application["decision"], "limit"), id)
        }
        expect["vouchers"]?.fields()?.forEach { (number, expected) ->
            val voucher = json.readTree(network.voucher(number))
            for (field in listOf("face_value", "used", "remaining", "expired", "state")) {
                assertEquals(text(expected, field), text(voucher, field), "$number: $field")
            }
        }
        expect["services"]?.fields()?.forEach { (id, expected) ->
            val service = json.readTree(network.voucherServiceUse(id.toLong()))
            assertEquals(text(expected, "state"), text(service["state"], "state"), id)
            assertEquals(text(expected, "total"), text(service, "total"), id)
            assertEquals(text(expected, "share_limit"), text(service["share"], "limit"), id)
        }
        expect["pool"]?.let { expected ->
            val totals = network.voucherPoolTotals(scheme)
            // toPlainString compares text, so 1234.5 would fail "1234.50".
            assertEquals(text(expected, "funded"), totals.funded.toPlainString(), "pool funded")
            assertEquals(text(expected, "withdrawn"), totals.withdrawn.toPlainString(), "pool withdrawn")
            assertEquals(text(expected, "reserved"), totals.reserved.toPlainString(), "pool reserved")
            assertEquals(text(expected, "paid"), totals.paid.toPlainString(), "pool paid")
            assertEquals(text(expected, "free"), totals.free.toPlainString(), "pool free")
        }
        expect["fund"]?.let { expected ->
            val office = Actor.Office("office-1")
            val report = json.readTree(network.fundReport(office, 2018))
            val line = report["categories"].first { text(it, "category") == "vouchers" }
            assertEquals(text(expected, "spent"), text(line, "spent"), "fund spent")
            assertEquals(text(expected, "balance"), text(line, "balance"), "fund balance")
            val holding = json.readTree(network.voucherPoolHolding(office, 2018, scheme))
            assertEquals(text(expected, "held"), text(holding, "held"), "fund held")
            val totals = network.voucherPoolTotals(scheme)
            val cash = totals.funded - totals.withdrawn - totals.paid
            assertEquals(0, BigDecimal(text(holding, "held")).compareTo(cash), "fund ledger and pool disagree")
        }
        expect["report"]?.let { expected ->
            val totals = json.readTree(network.voucherReport(scheme))["totals"]
            for (field in listOf("applications", "approved", "declined", "vouchers", "services", "users", "first_time_users")) {
                assertEquals(expected[field].asLong(), totals[field].asLong(), "report $field")
            }
            for (field in listOf("issued", "used", "redeemed", "expired")) {
                assertEquals(text(expected, field), text(totals, field), "report $field")
            }
        }
    }

    private fun runVoucherCase(case: JsonNode) {
        assertTrue((case.fieldNames().asSequence().toSet() - setOf("name", "steps", "expect")).isEmpty())
        val network = Network()
        case["steps"].forEachIndexed { index, step ->
            val beforeState = network.stateJson()
            val beforeEvents = network.events()

            if (step.has("error")) {
                val error = assertThrows<LabshareException>("step $index") { runStep(network, step) }
                assertEquals(text(step, "error"), error.code, "step $index: ${error.messageEn}")
                val rule = optionalText(step, "rule")
                if (rule != null) {
                    assertEquals(rule, error.rule, "step $index: ${error.messageEn}")
                } else if (error.code != "rule_violation") {
                    assertNull(error.rule, "step $index: ${error.messageEn}")
                }
                assertEquals(beforeState, network.stateJson(), "step $index: a failed step changed the state")
                assertEquals(beforeEvents, network.events(), "step $index: a failed step recorded an event")
                return@forEachIndexed
            }

            val event = json.readTree(runStep(network, step))
            assertEquals(beforeEvents.size + 1, event["seq"].asInt(), "step $index")
        }
        checkExpectations(network, case["expect"])
        assertEquals(network.stateJson(), Network.replay(network.events()).stateJson())
    }

    // Report rendering and argument errors.

    private fun lifecycleNetwork(): Network {
        val network = Network()
        for (step in load("vouchers.json").first()["steps"]) {
            if (!step.has("error")) runStep(network, step)
        }
        return network
    }

    @Test
    fun reportRendersInBothLanguages() {
        val network = lifecycleNetwork()
        val report = json.readTree(network.voucherReport(scheme))

        val chinese = network.renderVoucherReport(scheme, Lang.ZH)
        val english = network.renderVoucherReport(scheme, Lang.EN)

        assertTrue(chinese.startsWith("创新券实施情况："), chinese)
        assertTrue(english.startsWith("Innovation vouchers: "), english)
        assertTrue(english.contains(text(report["title"], "en")), english)
        assertTrue(english.contains(text(report["totals"], "issued")), english)
    }

    @Test
    fun unknownSchemeIsNotFound() {
        val error = assertThrows<LabshareException.NotFound> { Network().voucherPoolTotals("no-such-scheme") }
        assertEquals("not_found", error.code)
    }

    @Test
    fun malformedJsonIsInvalidValue() {
        val error = assertThrows<LabshareException.InvalidInput> {
            Network().applyForVouchers(Actor.Office("office-1"), Instant.parse("2018-03-01T02:00:00Z"), "{not json")
        }
        assertEquals("invalid_value", error.code)
        assertEquals("request", error.field)
    }

    @Test
    fun poolAmountKeepsCoreAmountCheck() {
        val network = lifecycleNetwork()
        val error = assertThrows<LabshareException.InvalidInput> {
            network.fundVoucherPool(Actor.Office("office-1"), Instant.parse("2018-03-01T02:00:00Z"), scheme, 2018, BigDecimal("0.001"))
        }
        assertEquals("invalid_amount", error.code)
    }
}
