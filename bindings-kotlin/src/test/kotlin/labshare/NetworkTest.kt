package labshare

import com.fasterxml.jackson.databind.ObjectMapper
import java.math.BigDecimal
import java.time.Instant
import java.time.LocalDate
import java.util.concurrent.CyclicBarrier
import java.util.concurrent.CountDownLatch
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

// The Network class: conversion of arguments and results, errors, events,
// replay and concurrent use. The workflow rules themselves are covered by the
// shared vectors in RegistryVectorsTest.
class NetworkTest {
    private val office = Actor.Office("office-1")
    private val adminA = Actor.UnitAdmin("admin-A", "A")
    private val now = Instant.parse("2017-03-01T02:00:00Z")
    private val json = ObjectMapper()

    private val record = InstrumentRecord(
        name = "气相色谱仪",
        englishName = "Gas chromatograph",
        categoryCode = "010101",
        source = AcquisitionSource.PURCHASED,
        originalValue = BigDecimal("350000.00"),
        countryOfOrigin = "US",
        manufacturer = "Agilent Technologies",
        model = "7890B",
        commissioningDate = LocalDate.of(2015, 6, 1),
        specifications = "检测限 1 pg",
        functions = "有机物定性定量分析",
        disciplines = listOf("150"),
        operatingStatus = OperatingStatus.NORMAL,
        sharingMode = SharingMode.EXTERNAL,
        location = "乌鲁木齐市",
    )

    private fun unit(id: String) = MemberUnit(id, "示例单位$id", UnitKind.INSTITUTE, "乌鲁木齐市")

    private fun networkWithUnits(vararg ids: String): Network {
        val network = Network()
        for (id in ids) network.registerUnit(office, now, unit(id))
        return network
    }

    private fun publishedNetwork(): Network {
        val network = networkWithUnits("A", "B")
        network.submitInstrument(adminA, now, "A-1", "A", record)
        network.publishInstrument(office, now.plusSeconds(86400), "A-1")
        return network
    }

    private fun report(samples: Long = 300, operatingHours: String = "1200") = UsageReport(
        instrument = "A-1",
        year = 2017,
        operatingHours = BigDecimal(operatingHours),
        effectiveHours = BigDecimal("1000.5"),
        samples = samples,
        externalIncome = BigDecimal("12000.00"),
    )

    @Test
    fun `readme example runs`() {
        val office = Actor.Office("office-1")
        val admin = Actor.UnitAdmin("admin-A", "XJ01")
        val now = Instant.parse("2018-03-01T10:00:00Z")

        val network = Network()
        val stored = mutableListOf<String>()
        stored += network.registerUnit(office, now, MemberUnit("XJ01", "示例分析测试研究院", UnitKind.TESTING_CENTRE, "乌鲁木齐市"))
        val record = InstrumentRecord(
            name = "气相色谱仪", categoryCode = "010101", source = AcquisitionSource.PURCHASED,
            originalValue = BigDecimal("350000.00"), countryOfOrigin = "US",
            manufacturer = "Agilent Technologies", model = "7890B",
            commissioningDate = LocalDate.of(2015, 6, 1), specifications = "检测限 1 pg",
            functions = "有机物定性定量分析", operatingStatus = OperatingStatus.NORMAL,
            sharingMode = SharingMode.EXTERNAL, location = "乌鲁木齐市",
        )
        stored += network.submitInstrument(admin, now, "XJ01-001", "XJ01", record)
        stored += network.publishInstrument(office, now, "XJ01-001")

        assertEquals(ReviewState.Published, network.instrument("XJ01-001").state)
        assertEquals(network.stateJson(), Network.replay(stored).stateJson())
    }

    @Test
    fun `new network is empty`() {
        val network = Network()

        assertEquals(1L, network.nextSeq())
        assertEquals(emptyList<String>(), network.events())
        assertEquals(emptyList<MemberUnit>(), network.units())
    }

    @Test
    fun `registerUnit returns event json`() {
        val network = Network()

        val event = json.readTree(network.registerUnit(office, now, unit("A")))

        assertEquals(1, event["seq"].asInt())
        assertEquals("2017-03-01T02:00:00Z", event["at"].asText())
        assertEquals("office", event["actor"]["role"].asText())
        assertEquals("register_unit", event["change"]["registry"]["type"].asText())
        assertEquals("institute", event["change"]["registry"]["unit"]["kind"].asText())
        assertEquals(2L, network.nextSeq())
        assertEquals(unit("A"), network.unit("A"))
    }

    @Test
    fun `instrument comes back with Kotlin types`() {
        val instrument = publishedNetwork().instrument("A-1")

        assertEquals("A", instrument.unit)
        assertEquals(ReviewState.Published, instrument.state)
        assertEquals(record, instrument.published)
        assertNull(instrument.pending)
        assertEquals(2, instrument.published!!.originalValue.scale())
        assertEquals(Instant.parse("2017-03-02T02:00:00Z"), instrument.firstPublishedAt)
        val steps = instrument.history.map { listOf(it.seq, it.actor, it.step, it.reason) }
        assertEquals(listOf(listOf(3L, "admin-A", "submitted", null), listOf(4L, "office-1", "published", null)), steps)
    }

    @Test
    fun `returned instrument carries reason`() {
        val network = networkWithUnits("A")
        network.submitInstrument(adminA, now, "A-1", "A", record)

        network.returnInstrument(office, now, "A-1", "请补充主要技术指标")

        assertEquals(ReviewState.Returned("请补充主要技术指标"), network.instrument("A-1").state)
    }

    @Test
    fun `revision keeps published version`() {
        val network = publishedNetwork()

        network.reviseInstrument(adminA, now, "A-1", record.copy(name = "气相色谱仪（升级）", originalValue = BigDecimal(380000)))

        val instrument = network.instrument("A-1")
        assertEquals(ReviewState.RevisionPending, instrument.state)
        assertEquals(record, instrument.published)
        assertEquals(BigDecimal("380000.00"), instrument.pending!!.originalValue)
    }

    @Test
    fun `bad record fields raise core errors`() {
        val cases = listOf(
            Triple(record.copy(originalValue = BigDecimal("-1")), "invalid_amount", "original_value"),
            Triple(record.copy(originalValue = BigDecimal("1.001")), "invalid_amount", "original_value"),
            Triple(record.copy(originalValue = BigDecimal("1E+40")), "invalid_amount", "original_value"),
            Triple(record.copy(categoryCode = "990101"), "invalid_value", "category_code"),
            Triple(record.copy(name = "仪".repeat(51)), "too_long", "name"),
            Triple(record.copy(name = " "), "missing", "name"),
            Triple(record.copy(countryOfOrigin = "cn"), "invalid_value", "country_of_origin"),
            Triple(record.copy(disciplines = listOf("1", "2", "3", "4", "5")), "invalid_value", "disciplines"),
        )
        for ((bad, code, field) in cases) {
            val network = networkWithUnits("A")
            val before = network.stateJson()

            val error = assertThrows<LabshareException.InvalidInput> {
                network.submitInstrument(adminA, now, "A-1", "A", bad)
            }

            assertEquals(code, error.code, field)
            assertEquals(field, error.field)
            assertEquals(before, network.stateJson(), field)
            assertEquals(1, network.events().size, field)
        }
    }

    @Test
    fun `malformed actor ids are invalid input`() {
        val error = assertThrows<LabshareException.InvalidInput> {
            Network().registerUnit(Actor.UnitAdmin("x", "A B"), now, unit("A"))
        }

        assertEquals("invalid_value", error.code)
        assertEquals("unit_id", error.field)
    }

    @Test
    fun `other roles may not register units`() {
        val actors = listOf(Actor.User("u", null), Actor.User("u", "A"), Actor.Enterprise("u", "E1"), Actor.Expert("u"))
        for (actor in actors) {
            val error = assertThrows<LabshareException.PermissionDenied> { Network().registerUnit(actor, now, unit("A")) }
            assertEquals("permission_denied", error.code)
        }
    }

    @Test
    fun `unit admin reaches event as core role`() {
        val network = networkWithUnits("A")

        val event = json.readTree(network.submitInstrument(adminA, now, "A-1", "A", record))

        assertEquals("unit_admin", event["actor"]["role"].asText())
        assertEquals("A", event["actor"]["unit"].asText())
    }

    @Test
    fun `lookups raise not found and invalid input`() {
        val network = networkWithUnits("A")

        assertEquals("not_found", assertThrows<LabshareException.NotFound> { network.unit("Z") }.code)
        assertThrows<LabshareException.NotFound> { network.instrument("A-9") }
        assertEquals("instrument_id", assertThrows<LabshareException.InvalidInput> { network.instrument("A 9") }.field)
    }

    @Test
    fun `duplicate unit is conflict`() {
        val network = networkWithUnits("A")

        val error = assertThrows<LabshareException.Conflict> { network.registerUnit(office, now, unit("A")) }

        assertEquals("already_exists", error.code)
    }

    @Test
    fun `replay rebuilds equal network`() {
        val network = publishedNetwork()
        network.fileUsage(adminA, now, report())

        val replayed = Network.replay(network.events())

        assertEquals(network.stateJson(), replayed.stateJson())
        assertEquals(network.events(), replayed.events())
        assertEquals(6L, replayed.nextSeq())
    }

    @Test
    fun `apply follows stored events one by one`() {
        val source = publishedNetwork()
        val follower = Network()

        for (event in source.events()) follower.apply(event)

        assertEquals(source.stateJson(), follower.stateJson())
    }

    @Test
    fun `replay rejects gap garbage and forbidden events`() {
        val events = publishedNetwork().events()

        assertEquals("corrupt", assertThrows<LabshareException.Integrity> { Network.replay(listOf(events[0], events[2])) }.code)
        val garbage = assertThrows<LabshareException.Integrity> { Network.replay(listOf(events[0], "{not json")) }
        assertTrue("event 2" in garbage.messageEn, garbage.messageEn)
        assertThrows<LabshareException.Integrity> { Network().apply(events[1]) }
        val forged = events[0].replace("\"role\":\"office\"", "\"role\":\"user\",\"unit\":null")
        assertThrows<LabshareException.PermissionDenied> { Network.replay(listOf(forged)) }
    }

    @Test
    fun `usage queries return decimals`() {
        val network = publishedNetwork()
        network.fileUsage(adminA, now, report())

        assertEquals(report(), network.usageReport("A-1", 2017))
        assertNull(network.usageReport("A-1", 2016))
        assertEquals(listOf(report()), network.usageReports(2017))
        val totals = network.networkUsageTotals(2017)
        assertEquals(1L, totals.instruments)
        assertEquals(300L, totals.samples)
        assertEquals(0, BigDecimal("1000.5").compareTo(totals.effectiveHours))
        assertEquals("12000.00", totals.externalIncome.toPlainString())
        assertEquals(mapOf("A" to totals), network.usageTotalsByUnit(2017))
    }

    @Test
    fun `bad usage report is rejected`() {
        val network = publishedNetwork()
        val before = network.stateJson()

        val negative = assertThrows<LabshareException.InvalidInput> { network.fileUsage(adminA, now, report(samples = -1)) }
        assertEquals("samples", negative.field)
        val tooMany = assertThrows<LabshareException.InvalidInput> { network.fileUsage(adminA, now, report(operatingHours = "8761")) }
        assertEquals("operating_hours", tooMany.field)
        val huge = assertThrows<LabshareException.InvalidInput> { network.fileUsage(adminA, now, report(operatingHours = "1E+40")) }
        assertEquals("operating_hours", huge.field)
        assertEquals(before, network.stateJson())
    }

    @Test
    fun `instant beyond year 9999 is invalid input`() {
        val error = assertThrows<LabshareException.InvalidInput> {
            Network().registerUnit(office, Instant.parse("+10000-01-01T00:00:00Z"), unit("A"))
        }

        assertEquals("invalid_value", error.code)
    }

    @Test
    fun `value band table counts published instruments`() {
        val network = publishedNetwork()
        network.submitInstrument(adminA, now, "A-2", "A", record.copy(originalValue = BigDecimal(1500000)))

        val table = network.valueBandTable()

        assertEquals(listOf(0L, 1L, 0L, 0L), table.rows.map { it.count })
        assertEquals(listOf("<20万元", "20–50万元", "50–100万元", "≥100万元"), table.rows.map { it.band.label() })
        assertEquals(BigDecimal("350000.00"), table.totalValue)
        assertEquals(listOf(0L, 1L), network.valueBandTable(listOf(BigDecimal(300000))).rows.map { it.count })
        val error = assertThrows<LabshareException.InvalidInput> {
            network.valueBandTable(listOf(BigDecimal(500000), BigDecimal(200000)))
        }
        assertEquals("bounds", error.field)
    }

    @Test
    fun `concurrent submit of same instrument admits one`() {
        // 200 units make each call long enough for the two to overlap. A
        // binding that copied the state outside the lock let both calls
        // succeed in some of these 100 rounds.
        val setup = Network()
        for (index in 0 until 200) setup.registerUnit(office, now, unit("U$index"))
        setup.registerUnit(office, now, unit("A"))
        val stored = setup.events()

        repeat(100) { round ->
            val network = Network.replay(stored)
            val barrier = CyclicBarrier(2)
            val outcomes = java.util.Collections.synchronizedList(mutableListOf<Any>())
            val threads = List(2) {
                Thread {
                    barrier.await()
                    try {
                        outcomes.add(network.submitInstrument(adminA, now, "A-1", "A", record))
                    } catch (error: LabshareException) {
                        outcomes.add(error)
                    }
                }
            }
            threads.forEach { it.start() }
            threads.forEach { it.join() }

            val events = outcomes.filterIsInstance<String>()
            val errors = outcomes.filterIsInstance<LabshareException.Conflict>()
            assertEquals(1, events.size, "round $round: $outcomes")
            assertEquals(1, errors.size, "round $round: $outcomes")
            assertEquals("already_exists", errors[0].code)
            assertEquals(202, json.readTree(events[0])["seq"].asInt())
            assertEquals(202, network.events().size)
        }
    }

    @Test
    fun `concurrent submits of different instruments all land`() {
        val network = networkWithUnits("A")
        val count = 8
        val start = CountDownLatch(1)
        val threads = List(count) { index ->
            Thread {
                start.await()
                network.submitInstrument(adminA, now, "A-$index", "A", record)
            }
        }
        threads.forEach { it.start() }
        start.countDown()
        threads.forEach { it.join() }

        assertEquals((1..count + 1).toList(), network.events().map { json.readTree(it)["seq"].asInt() })
        assertEquals(count, network.instruments().size)
        assertEquals(network.stateJson(), Network.replay(network.events()).stateJson())
    }
}
