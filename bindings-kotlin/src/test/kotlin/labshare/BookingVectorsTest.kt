package labshare

import com.fasterxml.jackson.databind.JsonNode
import com.fasterxml.jackson.databind.ObjectMapper
import com.fasterxml.jackson.databind.node.ObjectNode
import java.math.BigDecimal
import java.nio.file.Path
import java.time.Instant
import java.time.LocalDate
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.fail

// testdata/booking.json, run against the Kotlin binding with the checks of
// the Rust runner (core/tests/booking_vectors.rs) and the Python one. Each
// case starts from the fixture network; a step with `error` must fail with
// that code (with `rule` for a rule violation and `message_contains` in the
// English message) and change nothing; at the end the journal replays to the
// same state.
class BookingVectorsTest {
    private val testdata = Path.of(System.getProperty("labshare.testdata.dir", "../testdata"))
    private val json = ObjectMapper()
    private val file = json.readTree(testdata.resolve("booking.json").toFile())
    private val fixture = file["fixture"]
    private val instrument = fixture["instruments"][0]["id"].asText()
    private val queries = setOf("view", "series", "availability", "working_day_deadline")

    @TestFactory
    fun vectors(): List<DynamicTest> {
        val cases = file["cases"].toList()
        assertTrue(cases.size >= 11, "booking.json has only ${cases.size} cases")
        return cases.map { case -> DynamicTest.dynamicTest(case["name"].asText()) { runCase(case) } }
    }

    private fun text(node: JsonNode, field: String): String = node[field].asText()

    private fun optionalText(node: JsonNode, field: String): String? =
        node[field]?.takeUnless { it.isNull }?.asText()

    private inline fun <reified T : Enum<T>> enumOf(node: JsonNode): T = enumValueOf(node.asText().uppercase())

    private fun actor(name: String): Actor {
        val node = fixture["actors"][name]
        val id = text(node, "id")
        return when (val role = text(node, "role")) {
            "office" -> Actor.Office(id)
            "unit_admin" -> Actor.UnitAdmin(id, text(node, "unit"))
            "user" -> Actor.User(id, optionalText(node, "unit"))
            else -> fail("role $role is unknown to this runner")
        }
    }

    private fun record(node: JsonNode) = InstrumentRecord(
        name = text(node, "name"),
        englishName = optionalText(node, "english_name") ?: "",
        categoryCode = text(node, "category_code"),
        source = enumOf(node["source"]),
        originalValue = BigDecimal(text(node, "original_value")),
        countryOfOrigin = text(node, "country_of_origin"),
        manufacturer = text(node, "manufacturer"),
        model = text(node, "model"),
        commissioningDate = LocalDate.parse(text(node, "commissioning_date")),
        specifications = text(node, "specifications"),
        functions = text(node, "functions"),
        disciplines = node["disciplines"]?.map { it.asText() } ?: emptyList(),
        serviceContent = optionalText(node, "service_content") ?: "",
        operatingStatus = enumOf(node["operating_status"]),
        sharingMode = enumOf(node["sharing_mode"]),
        sharingRules = optionalText(node, "sharing_rules") ?: "",
        feeStandard = optionalText(node, "fee_standard") ?: "",
        bookingUrl = optionalText(node, "booking_url") ?: "",
        location = text(node, "location"),
        contact = optionalText(node, "contact") ?: "",
    )

    private fun build(): Network {
        val network = Network()
        val office = actor("office")
        val at = Instant.parse(text(fixture, "at"))
        for (unit in fixture["units"]) {
            network.registerUnit(office, at, MemberUnit(text(unit, "id"), text(unit, "name"), enumOf(unit["kind"]), text(unit, "region")))
        }
        for (entry in fixture["instruments"]) {
            val id = text(entry, "id")
            network.submitInstrument(office, at, id, text(entry, "unit"), record(entry["record"]))
            network.publishInstrument(office, at, id)
        }
        return network
    }

    private fun slotRequest(step: JsonNode): SlotRequest {
        val fields = step["request"]
        fun time(utc: String, local: String): Instant =
            step[local]?.let { localToUtc(text(it, "local"), text(it, "zone")) } ?: Instant.parse(text(fields, utc))
        return SlotRequest(
            instrument = text(fields, "instrument"),
            start = time("start", "start_local"),
            end = time("end", "end_local"),
            people = fields["people"]?.asInt() ?: 1,
            purpose = optionalText(fields, "purpose") ?: "",
            voucher = optionalText(fields, "voucher"),
        )
    }

    private fun compare(expect: JsonNode, actual: JsonNode, step: JsonNode) {
        expect.fields().forEach { (key, value) -> assertEquals(value, actual[key], "field `$key` in $step") }
    }

    private fun runQuery(network: Network, step: JsonNode, now: Instant) {
        val expect = step["expect"]
        when (val op = text(step, "op")) {
            "view" -> {
                val view = json.readTree(network.booking(step["booking"].asLong(), now, optionalText(step, "viewer_zone"))) as ObjectNode
                // Slot fields live under `kind`; lift them so `expect` can name them directly.
                view["kind"]?.fields()?.forEach { (key, value) -> view.set<JsonNode>(key, value) }
                compare(expect, view, step)
            }
            "series" -> {
                val series = json.readTree(network.series(step["series"].asLong()))
                assertEquals(expect["bookings"], series["bookings"], "series bookings in $step")
                val skipped = series["skipped"].map { mapOf("date" to text(it, "date"), "rule" to text(it, "rule")) }
                val expected = expect["skipped"].map { mapOf("date" to text(it, "date"), "rule" to text(it, "rule")) }
                assertEquals(expected, skipped, "skipped dates in $step")
            }
            "availability" -> {
                val slots = json.readTree(network.availability(text(step, "instrument"), step["query"].toString(), now))
                val actual = slots.map { listOf(text(it, "start"), text(it, "end")) }
                assertEquals(expect["slots"].map { slot -> slot.map { it.asText() } }, actual, "free slots in $step")
            }
            "working_day_deadline" -> {
                val deadline = network.calendar().workingDayDeadline(Instant.parse(text(step, "from")), step["days"].asInt(), MissingYear.ERROR)
                assertEquals(Instant.parse(text(expect, "deadline")), deadline, "deadline in $step")
            }
            else -> fail("op $op is unknown to this runner")
        }
    }

    // Returns the receipt of a booking change, or null for a setting.
    private fun runChange(network: Network, step: JsonNode, who: Actor, now: Instant): BookingReceipt? {
        val booking = step["booking"]?.asLong() ?: 0
        when (val op = text(step, "op")) {
            "set_policy" -> network.setBookingPolicy(who, now, instrument, Instant.parse(text(step, "effective_from")), step["policy"].toString())
            "set_profile" -> network.setBookingProfile(who, now, instrument, step["profile"].toString())
            "add_blackout" -> network.addBlackout(who, now, instrument, step["blackout"].toString())
            "request" -> return network.requestBooking(who, now, slotRequest(step))
            "join_waitlist" -> return network.joinWaitlist(who, now, slotRequest(step))
            "request_series" -> return network.requestSeries(who, now, step["request"].toString())
            "confirm" -> return network.confirmBooking(who, now, booking)
            "reject" -> return network.rejectBooking(who, now, booking, text(step, "reason"))
            "cancel" -> return network.cancelBooking(who, now, booking, optionalText(step, "reason"))
            "reschedule" -> return network.rescheduleBooking(who, now, booking, Instant.parse(text(step, "start")), Instant.parse(text(step, "end")))
            "edit_series" -> return network.editSeries(who, now, step["series"].asLong(), step["edit"].toString())
            "check_in" -> return network.checkIn(who, now, booking)
            "complete" -> return network.completeBooking(who, now, booking, step["completion"].toString())
            "accept_offer" -> return network.acceptOffer(who, now, booking)
            "decline_offer" -> return network.declineOffer(who, now, booking)
            "sweep" -> return network.sweepBookings(who, now, null)
            else -> fail("op $op is unknown to this runner")
        }
        return null
    }

    private fun runStep(network: Network, step: JsonNode) {
        val who = actor(optionalText(step, "actor") ?: "office")
        val now = Instant.parse(optionalText(step, "now") ?: text(fixture, "at"))
        if (text(step, "op") in queries) {
            runQuery(network, step, now)
            return
        }
        if (step.has("error")) {
            val before = network.stateJson()
            val events = network.events()
            val error = assertThrows<LabshareException>("$step") { runChange(network, step, who, now) }
            assertEquals(text(step, "error"), error.code, "error code for $step: ${error.messageEn}")
            val rule = optionalText(step, "rule")
            if (rule != null) {
                assertEquals(rule, error.rule, "rule for $step: ${error.messageEn}")
            } else if (error.code != "rule_violation") {
                assertNull(error.rule, "rule for $step: ${error.messageEn}")
            }
            step["message_contains"]?.let {
                assertTrue(error.messageEn.contains(it.asText())) { "message ${error.messageEn} lacks $it" }
            }
            assertEquals(before, network.stateJson(), "a failed step changed the state: $step")
            assertEquals(events, network.events(), "a failed step recorded an event: $step")
            return
        }
        val receipt = runChange(network, step, who, now)
        val expect = step["expect"] ?: return
        expect["bookings"]?.let { assertEquals(it.map { id -> id.asLong() }, receipt!!.bookings, "bookings of $step") }
        expect["series"]?.let { assertEquals(if (it.isNull) null else it.asLong(), receipt!!.series, "series of $step") }
        expect["waitlist"]?.let { assertEquals(if (it.isNull) null else it.asLong(), receipt!!.waitlist, "waitlist of $step") }
    }

    private fun runCase(case: JsonNode) {
        assertEquals("scenario", text(case, "op"), text(case, "name"))
        val network = build()
        case["steps"].forEach { runStep(network, it) }
        assertEquals(network.stateJson(), Network.replay(network.events()).stateJson(), "replaying the journal gives the same state")
    }
}
