/* pd-uuid.c: time-ordered identifiers (see pd-uuid.h).
 *
 * Within one millisecond the 12-bit field after the version (rand_a) is a counter, started at
 * a random value below 2048 so that a burst can take thousands more before it runs out
 * (RFC 9562, 6.2, method 1); when it does, or when the clock goes back, the time field moves
 * on from the last one given (method 1's "borrow" from the future) so that order holds.
 */
#define G_LOG_DOMAIN "pd-uuid"

#include "config.h"

#include <sodium.h>

#include "pd-uuid.h"

static GMutex  last_lock;
static guint64 last_stamp;   /* ms << 12 | counter of the last UUID given */

static guint64
next_stamp (void)
{
  guint64 now_ms = (guint64) (g_get_real_time () / 1000);
  guint64 stamp;

  g_mutex_lock (&last_lock);
  if (now_ms > last_stamp >> 12)
    stamp = now_ms << 12 | randombytes_uniform (2048);
  else
    stamp = last_stamp + 1;
  last_stamp = stamp;
  g_mutex_unlock (&last_lock);
  return stamp;
}

char *
pd_uuid_new_v7 (void)
{
  guint64 stamp = next_stamp ();
  guint64 ms = stamp >> 12;
  guint8 b[16];

  randombytes_buf (b + 8, 8);
  for (guint i = 0; i < 6; i++)
    b[i] = (guint8) (ms >> (40 - 8 * i));
  b[6] = 0x70 | (guint8) ((stamp >> 8) & 0x0f);
  b[7] = (guint8) stamp;
  b[8] = 0x80 | (b[8] & 0x3f);   /* RFC 9562 variant */

  return g_strdup_printf ("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                          b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
                          b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}
