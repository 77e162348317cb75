// Accessors for the fields that every subclass of the generated sealed class
// LabshareException has, so that a caller can read them without a `when`.
package labshare

/** Stable machine-readable code of the error, such as `invalid_amount`. */
val LabshareException.code: String
    get() = when (this) {
        is LabshareException.InvalidInput -> code
        is LabshareException.NotFound -> code
        is LabshareException.PermissionDenied -> code
        is LabshareException.Conflict -> code
        is LabshareException.Integrity -> code
    }

/** Field or argument that the error is about, or null. */
val LabshareException.field: String?
    get() = when (this) {
        is LabshareException.InvalidInput -> field
        is LabshareException.NotFound -> field
        is LabshareException.PermissionDenied -> field
        is LabshareException.Conflict -> field
        is LabshareException.Integrity -> field
    }

/** Message in Simplified Chinese. */
val LabshareException.messageZh: String
    get() = when (this) {
        is LabshareException.InvalidInput -> messageZh
        is LabshareException.NotFound -> messageZh
        is LabshareException.PermissionDenied -> messageZh
        is LabshareException.Conflict -> messageZh
        is LabshareException.Integrity -> messageZh
    }

/** Message in English. */
val LabshareException.messageEn: String
    get() = when (this) {
        is LabshareException.InvalidInput -> messageEn
        is LabshareException.NotFound -> messageEn
        is LabshareException.PermissionDenied -> messageEn
        is LabshareException.Conflict -> messageEn
        is LabshareException.Integrity -> messageEn
    }

/**
 * Name of the broken rule, such as `booking.quota`, if [code] is
 * `rule_violation`, or null for every other error.
 */
val LabshareException.rule: String?
    get() = when (this) {
        is LabshareException.InvalidInput -> rule
        is LabshareException.NotFound -> rule
        is LabshareException.PermissionDenied -> rule
        is LabshareException.Conflict -> rule
        is LabshareException.Integrity -> rule
    }
