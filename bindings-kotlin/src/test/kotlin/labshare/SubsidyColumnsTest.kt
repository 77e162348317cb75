package labshare

import java.math.BigDecimal
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

// allocateSubsidyColumns and allocateSubsidyColumnsFen: incomes as lists,
// amounts back as whole fen. The same cases as test_subsidy_columns.py.
class SubsidyColumnsTest {
    private fun rules(cap: String = "50", minimum: String? = null): String {
        val limit = if (minimum == null) "" else ""","minimum":"$minimum""""
        return """{"id":"columns","version":3,"title":{"zh":"列式分配","en":"Column allocation"},""" +
            """"years":{"from":2017},"text":{"zh":"按比例。","en":"Proportional."},""" +
            """"allocation":{"base":{"method":"proportional"},"cap":"$cap"$limit}}"""
    }

    private val units = listOf("A", "B", "C")

    @Test
    fun `cap excess goes to others`() {
        // A would get 60 元 of 100 and is held at 50; its 10 元 go to B and C as 3 : 1.
        val result = allocateSubsidyColumnsFen(rules(), BigDecimal(100), units, listOf(60000L, 30000L, 10000L))

        assertEquals(listOf(5000L, 3750L, 1250L), result.amountsFen)
        assertEquals(listOf("cap", "none", "none"), result.limits)
        assertEquals(BigDecimal("100.00"), result.paidTotal)
        assertEquals(BigDecimal("0.00"), result.returnedToFund)
        assertEquals(BigDecimal("100.00"), result.budget)
        assertEquals("columns", result.ruleSetId)
        assertEquals(3u, result.ruleSetVersion)
    }

    @Test
    fun `yuan and fen forms agree`() {
        val audited = listOf(BigDecimal("600"), BigDecimal("300.00"), BigDecimal("1E+2"))

        val result = allocateSubsidyColumns(rules(), BigDecimal(100), units, audited)

        assertEquals(listOf(5000L, 3750L, 1250L), result.amountsFen)
    }

    @Test
    fun `leftover fen goes to smallest unit id`() {
        val result = allocateSubsidyColumnsFen(rules(cap = "1"), BigDecimal("1.00"), listOf("C", "A", "B"), listOf(100L, 100L, 100L))

        assertEquals(listOf(33L, 34L, 33L), result.amountsFen)
    }

    @Test
    fun `minimum and no income`() {
        val result = allocateSubsidyColumnsFen(rules(cap = "1000", minimum = "20"), BigDecimal(100), units, listOf(90000L, 1000L, 0L))

        assertEquals(listOf(8000L, 2000L, 0L), result.amountsFen)
        assertEquals(listOf("none", "minimum", "no_income"), result.limits)
    }

    @Test
    fun `minimums above budget conflict`() {
        val error = assertThrows<LabshareException.Conflict> {
            allocateSubsidyColumnsFen(rules(cap = "1000", minimum = "60"), BigDecimal(100), listOf("A", "B"), listOf(100L, 100L))
        }

        assertEquals("rule_violation", error.code)
        assertEquals("subsidy.minimum_exceeds_budget", error.rule)
    }

    private fun invalid(call: () -> Unit): LabshareException.InvalidInput = assertThrows<LabshareException.InvalidInput> { call() }

    @Test
    fun `bad amount names the row`() {
        val negativeFen = invalid { allocateSubsidyColumnsFen(rules(), BigDecimal(100), units, listOf(1L, -5L, 3L)) }
        assertEquals("invalid_amount", negativeFen.code)
        assertEquals("audited_fen[1]", negativeFen.field)

        val hugeFen = invalid { allocateSubsidyColumnsFen(rules(), BigDecimal(100), units, listOf(1L, 2L, Long.MAX_VALUE)) }
        assertEquals("invalid_amount", hugeFen.code)
        assertEquals("audited_fen[2]", hugeFen.field)

        val inexact = invalid { allocateSubsidyColumns(rules(), BigDecimal(100), units, listOf(BigDecimal.ONE, BigDecimal("1.001"), BigDecimal.ONE)) }
        assertEquals("invalid_amount", inexact.code)
        assertEquals("audited[1]", inexact.field)

        val short = invalid { allocateSubsidyColumnsFen(rules(), BigDecimal(100), units, listOf(1L, 2L)) }
        assertEquals("invalid_value", short.code)
        assertEquals("audited_fen", short.field)
    }

    @Test
    fun `bad unit names the row`() {
        val repeated = invalid { allocateSubsidyColumnsFen(rules(), BigDecimal(100), listOf("A", "B", "A"), listOf(1L, 2L, 3L)) }
        assertEquals("invalid_value", repeated.code)
        assertEquals("units[2]", repeated.field)

        val empty = invalid { allocateSubsidyColumnsFen(rules(), BigDecimal(100), listOf("A", "", "C"), listOf(1L, 2L, 3L)) }
        assertEquals("missing", empty.code)
        assertEquals("units[1]", empty.field)
    }
}
