package labshare

import com.fasterxml.jackson.databind.ObjectMapper
import java.math.BigDecimal
import java.time.Instant
import java.time.LocalDate
import java.time.LocalDateTime
import java.util.Collections
import java.util.concurrent.CyclicBarrier
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

// The booking engine and the working-day calendar through the Kotlin binding.
// The booking rules themselves are covered by the shared vectors in
// BookingVectorsTest; these tests check the API, its conversions and
// concurrent use.
class BookingTest {
    private val json = ObjectMapper()
    private val office = Actor.Office("office-1")
    private val owner = Actor.UnitAdmin("at-admin", "XJ-AT")
    private val alice = Actor.User("alice", "XJ-BIO")
    private val bob = Actor.User("bob", "XJ-BIO")
    private val instrument = "XJ-AT-XRD-01"
    private val setUp = Instant.parse("2025-09-01T00:00:00Z")
    private val asked = Instant.parse("2025-09-30T01:00:00Z")

    // Thursday 2025-10-09, 10:00 to 11:00 in Beijing.
    private val start = Instant.parse("2025-10-09T02:00:00Z")
    private val end = Instant.parse("2025-10-09T03:00:00Z")
    private val fees = """[
        {"user_type": "network_member", "basis": "hour", "rate": "100.00"},
        {"user_type": "external", "basis": "hour", "rate": "150.00"}
    ]"""

    private fun network(policy: String): Network {
        val network = Network()
        network.registerUnit(office, setUp, MemberUnit("XJ-AT", "新疆分析测试研究院", UnitKind.INSTITUTE, "乌鲁木齐市"))
        network.registerUnit(office, setUp, MemberUnit("XJ-BIO", "新疆生物技术研究所", UnitKind.INSTITUTE, "乌鲁木齐市"))
        val record = InstrumentRecord(
            name = "X射线衍射仪",
            categoryCode = "010101",
            source = AcquisitionSource.PURCHASED,
            originalValue = BigDecimal("1200000.00"),
            countryOfOrigin = "DE",
            manufacturer = "Bruker",
            model = "D8 ADVANCE",
            commissioningDate = LocalDate.of(2016, 5, 1),
            specifications = "测角仪半径 ≥ 200 mm",
            functions = "物相分析",
            operatingStatus = OperatingStatus.NORMAL,
            sharingMode = SharingMode.EXTERNAL,
            location = "乌鲁木齐市北京南路",
        )
        network.submitInstrument(office, setUp, instrument, "XJ-AT", record)
        network.publishInstrument(office, setUp, instrument)
        network.setBookingPolicy(owner, setUp, instrument, Instant.parse("2025-01-01T00:00:00Z"), policy)
        return network
    }

    private fun slot(from: Instant = start, to: Instant = end) = SlotRequest(instrument = instrument, start = from, end = to)

    private fun view(network: Network, booking: Long, now: Instant = asked, zone: String? = null) =
        json.readTree(network.booking(booking, now, zone))

    private fun assertRule(error: LabshareException, rule: String) {
        assertEquals("rule_violation", error.code)
        assertEquals(rule, error.rule, error.messageEn)
    }

    @Test
    fun twoThreadsRequestingOneSlotGetOneBookingAndOneConflict() {
        repeat(200) { round ->
            val network = network("""{"auto_confirm": true}""")
            val barrier = CyclicBarrier(2)
            val outcomes = Collections.synchronizedList(mutableListOf<Any>())
            val threads = listOf(alice, bob).map { who ->
                Thread {
                    barrier.await()
                    try {
                        outcomes.add(network.requestBooking(who, asked, slot()))
                    } catch (error: LabshareException) {
                        outcomes.add(error)
                    }
                }
            }
            threads.forEach { it.start() }
            threads.forEach { it.join() }

            val receipts = outcomes.filterIsInstance<BookingReceipt>()
            val conflicts = outcomes.filterIsInstance<LabshareException.Conflict>()
            assertEquals(1, receipts.size, "round $round: $outcomes")
            assertEquals(1, conflicts.size, "round $round: $outcomes")
            assertEquals(listOf(1L), receipts[0].bookings)
            assertRule(conflicts[0], "booking.conflict")
            val schedule = json.readTree(network.schedule(instrument, start, end, asked))
            assertEquals(listOf(1L), schedule.map { it["id"].asLong() })
            assertEquals(network.stateJson(), Network.replay(network.events()).stateJson())
        }
    }

    @Test
    fun requestConfirmCheckInCompleteWritesAServiceRecord() {
        val network = network("""{"fees": $fees}""")
        val receipt = network.requestBooking(alice, asked, slot())
        assertEquals(listOf(1L), receipt.bookings)
        assertNull(receipt.series)
        assertEquals("requested", view(network, 1)["state"].asText())
        network.confirmBooking(owner, asked.plusSeconds(3600), 1)
        network.checkIn(alice, start.minusSeconds(15 * 60), 1)
        network.completeBooking(owner, end.plusSeconds(1800), 1, """{"actual_hours": "1.5", "samples": 3, "mode": "guided"}""")

        assertEquals("completed", view(network, 1, end.plusSeconds(3600))["state"].asText())
        val records = json.readTree(network.serviceRecords(2025))
        assertEquals(1, records.size())
        // 1.5 hours at the network-member rate of 100.00 per hour.
        assertEquals(BigDecimal("150.00"), BigDecimal(records[0]["amount"].asText()))
        assertEquals("150.00", records[0]["amount"].asText())
        val totals = json.readTree(network.serviceTotals(instrument, 2025))
        assertEquals("150.00", totals["amount"].asText())
        assertEquals(1, totals["records"].asInt())
        assertEquals(0, json.readTree(network.serviceRecords(2024)).size())
    }

    @Test
    fun cancelShortenExtendAndSweep() {
        val network = network("""{"auto_confirm": true}""")
        network.requestBooking(alice, asked, slot())
        network.rescheduleBooking(alice, asked, 1, start, start.plusSeconds(1800))
        assertEquals("2025-10-09T02:30:00Z", view(network, 1)["kind"]["end"].asText())
        network.rescheduleBooking(alice, asked, 1, start, start.plusSeconds(7200))
        assertEquals("2025-10-09T04:00:00Z", view(network, 1)["kind"]["end"].asText())
        val noReason = assertThrows<LabshareException.InvalidInput> { network.cancelBooking(owner, asked, 1, null) }
        assertEquals("missing", noReason.code)

        network.cancelBooking(owner, asked, 1, "停电")
        assertEquals("停电", view(network, 1)["reason"].asText())
        // 14:00 to 15:00 in Beijing, after the midday break of the default opening hours.
        val afternoon = Instant.parse("2025-10-09T06:00:00Z")
        network.requestBooking(bob, asked, slot(afternoon, afternoon.plusSeconds(3600)))
        network.sweepBookings(office, afternoon.plusSeconds(20 * 60), null)
        assertEquals("no_show", view(network, 2, afternoon.plusSeconds(3600))["state"].asText())
        assertThrows<LabshareException.PermissionDenied> { network.sweepBookings(alice, asked, null) }
    }

    @Test
    fun waitlistOfferAfterCancellation() {
        val network = network("""{"auto_confirm": true}""")
        network.requestBooking(alice, asked, slot())
        val joined = network.joinWaitlist(bob, asked, slot())
        assertEquals(1L, joined.waitlist)
        val freed = network.cancelBooking(alice, asked, 1, null)
        assertEquals(listOf(2L), freed.bookings)
        assertEquals("offered", view(network, 2)["state"].asText())
        network.acceptOffer(bob, asked, 2)
        assertEquals("bob", view(network, 2)["requester"].asText())
    }

    @Test
    fun seriesSkipsTheBlackoutOrRejectsTheRequest() {
        val network = network("""{}""")
        network.addBlackout(owner, setUp, instrument, """{"id": "m-1016", "kind": "maintenance", "reason": "年度计量校准",
            "when": {"type": "once", "start": "2025-10-16T01:00:00Z", "end": "2025-10-16T04:00:00Z"}}""")
        val request = """{"instrument": "$instrument", "first_start": "2025-10-09T02:00:00Z", "duration_minutes": 60,
            "recurrence": {"frequency": "weekly", "count": 4}, "on_conflict": "%s"}"""
        val rejected = assertThrows<LabshareException.Conflict> { network.requestSeries(alice, asked, request.format("reject")) }
        assertRule(rejected, "booking.blackout")
        val receipt = network.requestSeries(alice, asked, request.format("skip"))
        assertEquals(listOf(1L, 2L, 3L), receipt.bookings)
        assertEquals(1L, receipt.series)
        val skipped = json.readTree(network.series(1))["skipped"]
        assertEquals("2025-10-16", skipped[0]["date"].asText())
        assertEquals("booking.blackout", skipped[0]["rule"].asText())
    }

    @Test
    fun viewShowsInstrumentAndViewerClocks() {
        val network = network("""{}""")
        network.requestBooking(alice, asked, slot())
        val kind = view(network, 1, asked, "Asia/Urumqi")["kind"]
        assertEquals("2025-10-09T10:00:00", kind["start_local"]["local"].asText())
        assertEquals("Asia/Shanghai", kind["start_local"]["zone"].asText())
        assertEquals("2025-10-09T08:00:00", kind["start_viewer"]["local"].asText())
        assertEquals("Asia/Urumqi", kind["start_viewer"]["zone"].asText())
    }

    @Test
    fun samplesQuotesAvailabilityAndTraining() {
        val network = network("""{"fees": $fees, "qualification_required": true}""")
        network.setBookingProfile(owner, setUp, instrument, """{"zone": "Asia/Shanghai", "test_items": ["物相分析"]}""")
        val samples = network.requestSamples(alice, asked, """{"instrument": "$instrument", "test_item": "物相分析", "samples": 5}""")
        assertEquals("samples", view(network, samples.bookings[0])["kind"]["type"].asText())
        val quote = json.readTree(network.quoteSlot(instrument, "external", start, start.plusSeconds(5400)))
        assertEquals("225.00", quote["amount"].asText())
        val badType = assertThrows<LabshareException.InvalidInput> { network.quoteSlot(instrument, "student", start, end) }
        assertEquals("user_type", badType.field)

        val untrained = assertThrows<LabshareException.Conflict> { network.requestBooking(alice, asked, slot()) }
        assertRule(untrained, "booking.qualification")
        network.grantTraining(owner, setUp, instrument, "alice", LocalDate.of(2026, 12, 31))
        assertEquals("2026-12-31", json.readTree(network.training(instrument, "alice"))["valid_until"].asText())
        network.requestBooking(alice, asked, slot())
        network.revokeTraining(owner, asked, instrument, "alice")
        assertNull(network.training(instrument, "alice"))

        val query = """{"from": "2025-10-09T01:00:00Z", "to": "2025-10-09T04:00:00Z"}"""
        val free = json.readTree(network.availability(instrument, query, asked)).map { it["start"].asText() to it["end"].asText() }
        assertEquals(listOf("2025-10-09T01:00:00Z" to "2025-10-09T02:00:00Z", "2025-10-09T03:00:00Z" to "2025-10-09T04:00:00Z"), free)
        val found = json.readTree(network.availabilityForTestItem("物相分析", query, asked))
        assertEquals(listOf(instrument), found.map { it["instrument"].asText() })
    }

    @Test
    fun badJsonNamesTheArgument() {
        val network = network("""{}""")
        val error = assertThrows<LabshareException.InvalidInput> {
            network.setBookingPolicy(owner, setUp, instrument, setUp, """{"auto_confirm": "yes"}""")
        }
        assertEquals("invalid_value", error.code)
        assertEquals("policy", error.field)
        assertThrows<LabshareException.InvalidInput> { network.confirmBooking(owner, asked, -1) }
    }

    @Test
    fun officialCalendarKnowsTheNationalDayBreak() {
        val calendar = Calendar.official()
        assertTrue(2025 in calendar.years())
        // 1-8 October 2025 were holidays; Saturday 11 October was a make-up working day.
        assertEquals(LocalDate.of(2025, 10, 9), calendar.addWorkingDays(LocalDate.of(2025, 9, 30), 1, MissingYear.ERROR))
        assertEquals(3L, calendar.workingDaysBetween(LocalDate.of(2025, 10, 1), LocalDate.of(2025, 10, 13), MissingYear.ERROR))
        assertTrue(calendar.isWorkingDay(LocalDate.of(2025, 10, 11), MissingYear.ERROR))
        assertFalse(calendar.isWorkingDay(LocalDate.of(2025, 10, 3), MissingYear.ERROR))
        val deadline = calendar.workingDayDeadline(Instant.parse("2025-09-26T02:00:00Z"), 2, MissingYear.ERROR)
        assertEquals(Instant.parse("2025-09-29T16:00:00Z"), deadline)
    }

    @Test
    fun missingYearFailsOrFallsBackToWeekdays() {
        val calendar = Calendar.official()
        val missing = assertThrows<LabshareException.Conflict> { calendar.isWorkingDay(LocalDate.of(2040, 1, 2), MissingYear.ERROR) }
        assertRule(missing, "calendar.year_not_loaded")
        // 2 January 2040 is a Monday, 7 January a Sunday.
        assertTrue(calendar.isWorkingDay(LocalDate.of(2040, 1, 2), MissingYear.WEEKDAYS_ONLY))
        assertFalse(calendar.isWorkingDay(LocalDate.of(2040, 1, 7), MissingYear.WEEKDAYS_ONLY))
        assertEquals(LocalDate.of(2040, 1, 9), calendar.addWorkingDays(LocalDate.of(2040, 1, 6), 1, MissingYear.WEEKDAYS_ONLY))
    }

    @Test
    fun loadANewerYear() {
        val year = """{"year": 2027, "papers": [], "days": [
            {"name": "元旦", "date": "2027-01-01", "isOffDay": true},
            {"name": "春节", "date": "2027-02-06", "isOffDay": false}]}"""
        val calendar = Calendar.official()
        assertEquals(2027, calendar.loadYear(year.toByteArray()))
        assertFalse(calendar.isWorkingDay(LocalDate.of(2027, 1, 1), MissingYear.ERROR))
        assertTrue(calendar.isWorkingDay(LocalDate.of(2027, 2, 6), MissingYear.ERROR))
        assertEquals("corrupt", assertThrows<LabshareException.Integrity> { calendar.loadYear("not json".toByteArray()) }.code)

        val network = network("""{}""")
        assertThrows<LabshareException.PermissionDenied> { network.loadCalendarYear(alice, setUp, year) }
        network.loadCalendarYear(office, setUp, year)
        assertTrue(network.calendar().covers(2027))
    }

    @Test
    fun urumqiAndBeijingClocksNameOneInstant() {
        assertEquals(start, localToUtc("2025-10-09 08:00", "Asia/Urumqi"))
        assertEquals(start, localToUtc("2025-10-09T10:00", "Asia/Shanghai"))
        val local = localTime(start, "Asia/Urumqi")
        assertEquals(LocalDateTime.of(2025, 10, 9, 8, 0), LocalDateTime.parse(local.local))
        assertEquals("+06:00", local.offset)
        assertEquals(start, local.instant)
        assertThrows<LabshareException.InvalidInput> { localToUtc("1988-04-17 02:30", "Asia/Shanghai") }
    }
}
