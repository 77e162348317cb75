package labshare

import java.math.BigDecimal
import java.time.Instant
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

// The `rule` field of LabshareException, read through the extension property
// on the sealed base class.
class ErrorsTest {
    // A per-unit minimum of 60 元 for two units needs 120 元, more than the
    // 100 元 budget, so the allocation breaks `subsidy.minimum_exceeds_budget`.
    private val minimumAboveBudget =
        """{"id":"columns","version":3,"title":{"zh":"列式分配","en":"Column allocation"},""" +
            """"years":{"from":2017},"text":{"zh":"按比例。","en":"Proportional."},""" +
            """"allocation":{"base":{"method":"proportional"},"cap":"1000","minimum":"60"}}"""

    @Test
    fun `rule violation names its rule`() {
        val error = assertThrows<LabshareException> {
            allocateSubsidyColumnsFen(minimumAboveBudget, BigDecimal(100), listOf("A", "B"), listOf(100L, 100L))
        }

        assertTrue(error is LabshareException.Conflict, error.toString())
        assertEquals("rule_violation", error.code)
        assertEquals("subsidy.minimum_exceeds_budget", error.rule)
        assertEquals("subsidy.minimum_exceeds_budget", (error as LabshareException.Conflict).rule)
        assertTrue("rule=subsidy.minimum_exceeds_budget" in error.message.orEmpty(), error.message)
    }

    @Test
    fun `invalid amount has no rule`() {
        val error = assertThrows<LabshareException> { parseMoney("-1") }

        assertEquals("invalid_amount", error.code)
        assertNull(error.rule)
    }

    @Test
    fun `permission denial has no rule`() {
        val unit = MemberUnit("A", "示例单位A", UnitKind.INSTITUTE, "乌鲁木齐市")
        val now = Instant.parse("2017-03-01T02:00:00Z")

        val error = assertThrows<LabshareException> { Network().registerUnit(Actor.User("u", null), now, unit) }

        assertTrue(error is LabshareException.PermissionDenied, error.toString())
        assertEquals("permission_denied", error.code)
        assertNull(error.rule)
    }
}
