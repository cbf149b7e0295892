/* pd-uuid.h: time-ordered identifiers.
 *
 * pd_uuid_new_v7() gives RFC 9562 version 7 UUIDs: 48 bits of unix milliseconds, then a
 * 12-bit counter and 62 random bits. Their text sorts by creation time, so a B-tree keyed by
 * them (the store's uuid index, the outbox) grows at its right edge instead of dirtying a
 * random page for each new row; the random bits keep them unguessable across stations.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Lower-case, 36 characters, as g_uuid_string_random(). Strictly increasing within a process,
 * even when the clock steps back or many are made in one millisecond. Thread-safe. */
char *pd_uuid_new_v7 (void);

G_END_DECLS
