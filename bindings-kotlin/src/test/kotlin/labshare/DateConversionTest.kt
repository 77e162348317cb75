package labshare

import java.time.LocalDate
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test

// The LocalDate side of the NaiveDate custom type in uniffi.toml. No exported
// function takes a date yet, so the test calls the generated converter: it
// lowers the date to a Rust-allocated string buffer and lifts it back.
class DateConversionTest {
    @Test
    fun `LocalDate round-trips through converter`() {
        for (date in listOf(LocalDate.of(2026, 2, 28), LocalDate.of(2024, 2, 29), LocalDate.of(1, 1, 1))) {
            val lowered = FfiConverterTypeNaiveDate.lower(date)
            assertEquals(date, FfiConverterTypeNaiveDate.lift(lowered))
        }
    }
}
