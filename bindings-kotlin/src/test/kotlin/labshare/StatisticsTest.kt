package labshare

import java.math.BigDecimal
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

// Statistics functions of the Kotlin binding, with the Xinjiang network's
// figures for 2018.
class StatisticsTest {
    private fun wan(value: String) = BigDecimal(value).multiply(BigDecimal(10000))

    private fun band(lower: String, upper: String?) = Band(wan(lower), upper?.let(::wan))

    private val xinjiang = PublishedInstrumentFigures(
        source = "2018 self-evaluation",
        totalCount = 1079,
        totalValue = wan("80400"),
        bands = listOf(
            PublishedBand(band("20", "50"), 377, wan("12084.2")),
            PublishedBand(band("50", "100"), 167, wan("11155.88")),
            PublishedBand(band("100", null), 141, wan("34928.54")),
        ),
    )

    @Test
    fun `band table is half open`() {
        val values = listOf("0", "199999.99", "200000", "499999.99", "500000", "1000000", "50000000").map(::BigDecimal)

        val table = bandTable(values)

        assertEquals(listOf(2L, 2L, 1L, 2L), table.rows.map { it.count })
        assertEquals(BigDecimal("199999.99"), table.rows[0].totalValue)
        assertEquals(7L, table.totalCount)
        assertEquals(listOf("<20万元", "20–50万元", "50–100万元", "≥100万元"), table.rows.map { it.band.label() })
        assertEquals(null, table.rows.last().band.upper)
    }

    @Test
    fun `band table rejects bad input`() {
        val negative = assertThrows<LabshareException.InvalidInput> { bandTable(listOf(BigDecimal("-1"))) }
        assertEquals("invalid_amount", negative.code)
        assertEquals("values", negative.field)
        val descending = assertThrows<LabshareException.InvalidInput> {
            bandTable(listOf(BigDecimal.ONE), listOf(BigDecimal(500000), BigDecimal(200000)))
        }
        assertEquals("bounds", descending.field)
    }

    @Test
    fun `xinjiang residual is impossible`() {
        val findings = checkPublished(xinjiang)

        assertEquals(listOf("band_residual_impossible"), findings.map { it.code })
        // 1079 − 685 = 394 sets; 80400 − 58168.62 = 22231.38万; average 56.42万.
        for (figure in listOf("394 sets", "22231.38万元", "56.42万元", "below 20万元", "685 sets", "58168.62万元")) {
            assertTrue(figure in findings[0].messageEn, figure)
        }
        assertTrue("不可能同时成立" in findings[0].messageZh)
    }

    @Test
    fun `consistent figures have no findings`() {
        assertEquals(emptyList<Finding>(), checkPublished(xinjiang.copy(totalValue = wan("60000"))))
    }

    @Test
    fun `counts beyond ten trillion are rejected`() {
        val error = assertThrows<LabshareException.InvalidInput> {
            checkPublished(xinjiang.copy(totalCount = 10_000_000_000_001))
        }

        assertEquals("total_count", error.field)
    }

    @Test
    fun `records compared with published`() {
        val table = bandTable(listOf(BigDecimal(250000), BigDecimal(600000)))
        val figures = PublishedInstrumentFigures("test", 2, BigDecimal(850000), listOf(PublishedBand(band("20", "50"), 2, BigDecimal(850000))))

        val findings = compareWithRecords(figures, table)

        assertEquals(listOf("records_differ_from_published_band"), findings.map { it.code })
        assertTrue("1 sets worth 25万元" in findings[0].messageEn, findings[0].messageEn)
    }

    @Test
    fun `stated ratio of paid amount does not round to stated`() {
        val amounts = listOf(LabeledAmount("投入资金", "fund", BigDecimal(700000)), LabeledAmount("实际支付", "paid", BigDecimal(680000)))

        val findings = checkStatedRatio(BigDecimal("2.4"), 1, BigDecimal("29633430"), amounts)

        assertEquals(listOf("stated_ratio_mismatch"), findings.map { it.code })
        for (figure in listOf("paid 68万元", "2.2947%", "2.3%")) assertTrue(figure in findings[0].messageEn, figure)
    }

    @Test
    fun `stated ratio rejects places outside 0 to 28`() {
        for (places in listOf(-1, 29)) {
            val error = assertThrows<LabshareException.InvalidInput> {
                checkStatedRatio(BigDecimal("2.4"), places, BigDecimal(100), emptyList())
            }
            assertEquals("places", error.field)
        }
    }
}
