package labshare

import java.math.BigDecimal
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

// Subsidy allocation through the Kotlin binding: typed results and
// explanations. The split rules are covered by AllocationVectorsTest.
class SubsidyTest {
    @Test
    fun `allocation of 70 wan`() {
        val claims = listOf(Claim("XJ01", BigDecimal("10000000")), Claim("XJ02", BigDecimal("19633430")))

        val allocation = allocateProportional(BigDecimal(700000), claims)

        assertEquals(BigDecimal("700000.00"), allocation.budget)
        assertEquals(BigDecimal("29633430.00"), allocation.totalAudited)
        assertEquals(allocation.budget, allocation.total)
        assertEquals(BigDecimal("2.3622"), allocation.ratioPercent(4))
        assertEquals(listOf("236219.70", "463780.30"), allocation.shares.map { it.amount.toPlainString() })
        val first = allocation.shares[0]
        assertEquals(first.amount, first.floored + first.adjustment)
        assertEquals(10, first.exactShare.scale())
    }

    @Test
    fun `explanation renders in both languages`() {
        val claims = listOf("A", "B", "C").map { Claim(it, BigDecimal.ONE) }
        val share = allocateProportional(BigDecimal("1.00"), claims).shares[0]

        val zh = share.explanation.render(Lang.ZH)
        val en = share.explanation.render(Lang.EN)

        assertTrue(zh.startsWith("1. 核算金额 1.00元"), zh)
        assertTrue("补贴金额：0.34元" in zh, zh)
        assertTrue("subsidy amount: 0.34元" in en, en)
        assertEquals(5, en.lines().filter { it.isNotEmpty() }.size)
    }

    @Test
    fun `bad audited names field`() {
        val error = assertThrows<LabshareException.InvalidInput> {
            allocateProportional(BigDecimal.ONE, listOf(Claim("A", BigDecimal("-1"))))
        }

        assertEquals("invalid_amount", error.code)
        assertEquals("audited", error.field)
    }

    @Test
    fun `ratioPercent rejects bad places and huge ratio`() {
        val allocation = allocateProportional(BigDecimal.ONE, listOf(Claim("A", BigDecimal.ONE)))

        assertEquals("places", assertThrows<LabshareException.InvalidInput> { allocation.ratioPercent(-1) }.field)
        assertEquals("places", assertThrows<LabshareException.InvalidInput> { allocation.ratioPercent(29) }.field)
        val huge = allocation.copy(ratio = BigDecimal("7E+28"))
        assertEquals("overflow", assertThrows<LabshareException.InvalidInput> { huge.ratioPercent(2) }.code)
    }
}
