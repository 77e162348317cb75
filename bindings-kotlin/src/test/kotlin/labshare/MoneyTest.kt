package labshare

import java.math.BigDecimal
import java.math.RoundingMode
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.params.ParameterizedTest
import org.junit.jupiter.params.provider.ValueSource

// Conversion of BigDecimal arguments and results, and the exceptions raised.
// The rules themselves are covered by the shared vectors in VectorsTest.
class MoneyTest {
    @Test
    fun `parseMoney returns two places`() {
        val amount = parseMoney("68万")

        // BigDecimal.equals compares the scale too, so 680000.0 would fail.
        assertEquals(BigDecimal("680000.00"), amount)
        assertEquals(2, amount.scale())
    }

    @Test
    fun `formatYuan accepts exact amounts`() {
        assertEquals("1,234.50元", formatYuan(BigDecimal("1234.5")))
        assertEquals("1.50元", formatYuan(BigDecimal("1.500")))
        assertEquals("100.00元", formatYuan(BigDecimal("1E+2")))
        assertEquals("0.00元", formatYuan(BigDecimal("0.000")))
        assertEquals("1,234.00元", formatYuan(BigDecimal(1234)))
    }

    @Test
    fun `formatWan drops trailing zeros`() {
        assertEquals("6823.249万元", formatWan(BigDecimal("68232490.00")))
        assertEquals("68万元", formatWan(BigDecimal("680000")))
    }

    @ParameterizedTest
    @ValueSource(strings = ["1.234", "-1", "-0.01", "1000000000000000"])
    fun `formatYuan rejects invalid amount`(text: String) {
        val error = assertThrows<LabshareException.InvalidInput> { formatYuan(BigDecimal(text)) }

        assertEquals("invalid_amount", error.code)
        assertEquals("amount", error.field)
    }

    @Test
    fun `roundMoney rounds half up`() {
        // Banker's rounding would give 2.34 and 0.12.
        assertEquals(BigDecimal("2.35"), roundMoney(BigDecimal("2.345")))
        assertEquals(BigDecimal("0.13"), roundMoney(BigDecimal("0.125")))
        assertEquals(BigDecimal("2.34"), roundMoney(BigDecimal("2.344999")))
        assertEquals(BigDecimal("0.33"), roundMoney(BigDecimal.ONE.divide(BigDecimal(3), 20, RoundingMode.DOWN)))
        assertEquals(BigDecimal("100.00"), roundMoney(BigDecimal("1E+2")))
    }

    @Test
    fun `roundMoney rejects negative`() {
        val error = assertThrows<LabshareException.InvalidInput> { roundMoney(BigDecimal("-0.001")) }

        assertEquals("invalid_amount", error.code)
    }

    @Test
    fun `exception carries both messages`() {
        val error = assertThrows<LabshareException> { parseMoney("-1") }

        assertTrue(error is LabshareException.InvalidInput)
        assertEquals("invalid_amount", error.code)
        assertEquals("amount", error.field)
        assertTrue("负数" in error.messageZh, error.messageZh)
        assertTrue("negative" in error.messageEn, error.messageEn)
        assertTrue(error.messageEn in error.message.orEmpty(), error.message)
    }
}
