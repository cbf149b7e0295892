/* pd-chip-session.h: one reading of an ID card's or passport's chip (ICAO 9303 LDS1) through
 * PACE or BAC: EF.CardAccess, EF.COM, DG1, DG2, DG13, DG14, DG15 as present, and EF.SOD, as raw
 * files.
 *
 * Access: when EF.CardAccess offers PACE, PACE with the key's CAN (else its MRZ information);
 * BAC when the chip has no EF.CardAccess or declines PACE, and when PACE with a CAN derived from
 * a CCCD's ID number is refused but the key also holds the MRZ information.
 *
 * The files are a GHashTable from GUINT_TO_POINTER (FID) to GBytes, which the chip document
 * parser reads; on disk, a folder of files named by upper-case hex FID ("011E", "0101"...).
 */
#pragma once

#include <gio/gio.h>

#include "pd-chip-bac.h"
#include "pd-chip-reader.h"

G_BEGIN_DECLS

#define PD_CHIP_FID_CARD_ACCESS 0x011C
#define PD_CHIP_FID_COM         0x011E
#define PD_CHIP_FID_SOD         0x011D
#define PD_CHIP_FID_DG(n)       (0x0100 + (n))

/* How the reading opened the chip. */
typedef enum {
  PD_CHIP_ACCESS_BAC,
  PD_CHIP_ACCESS_PACE,
} PdChipAccess;

/* Bytes read so far and the expected total (sizes of files not yet opened are estimates, so
 * @total can grow; @done never passes it). Called in the thread-default main context of the
 * caller of pd_chip_read_async(). */
typedef void (*PdChipProgressFunc) (guint64   done,
                                    guint64   total,
                                    gpointer  user_data);

/* Reads the connected card of @reader; blocking (a worker thread's). @progress is called in
 * this thread. *@access (nullable) says how the chip was opened. */
GHashTable *pd_chip_read_files          (PdChipReader        *reader,
                                         const PdChipBacKey  *key,
                                         PdChipProgressFunc   progress,
                                         gpointer             progress_data,
                                         GCancellable        *cancellable,
                                         PdChipAccess        *access,
                                         GError             **error);

/* Waits up to @timeout_ms for a card on @reader_name (nullable: any reader), connects, reads
 * and disconnects, all in a worker thread. */
void        pd_chip_read_async          (PdChipReader        *reader,
                                         const char          *reader_name,
                                         guint                timeout_ms,
                                         const PdChipBacKey  *key,
                                         PdChipProgressFunc   progress,
                                         gpointer             progress_data,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
/* (element-type guint GBytes); *@access (nullable) as pd_chip_read_files() sets it. */
GHashTable *pd_chip_read_finish         (PdChipReader        *reader,
                                         GAsyncResult        *result,
                                         PdChipAccess        *access,
                                         GError             **error);

G_END_DECLS
