/* pd-chip-reader.h: a contactless reader through PC/SC (pcscd): readers, waiting for a card,
 * and APDUs to it.
 *
 * The blocking calls (wait, connect, transmit) are meant for a worker thread; the _async
 * variant of waiting runs one there. A cancelled GCancellable breaks a wait at once
 * (SCardCancel). A card taken off mid-exchange is PD_CHIP_ERROR_REMOVED, never a hang.
 */
#pragma once

#include <gio/gio.h>

#include "pd-chip-error.h"

G_BEGIN_DECLS

#define PD_TYPE_CHIP_READER (pd_chip_reader_get_type ())
G_DECLARE_FINAL_TYPE (PdChipReader, pd_chip_reader, PD, CHIP_READER, GObject)

/* A PC/SC context; PD_CHIP_ERROR_NO_SERVICE when pcscd does not run. */
PdChipReader *pd_chip_reader_new              (GError             **error);

/* The readers' names, NULL-terminated (empty when there is none). */
char        **pd_chip_reader_list             (PdChipReader        *self,
                                               GError             **error);

/* Waits up to @timeout_ms (0: forever) for a card on @reader_name (nullable: any reader),
 * following readers plugged in meanwhile; returns the reader's name. NO_CARD on time-out,
 * NO_READER when the named reader does not exist (none plugged in within the time, when
 * @reader_name is NULL). */
char         *pd_chip_reader_wait_card        (PdChipReader        *self,
                                               const char          *reader_name,
                                               guint                timeout_ms,
                                               GCancellable        *cancellable,
                                               GError             **error);
void          pd_chip_reader_wait_card_async  (PdChipReader        *self,
                                               const char          *reader_name,
                                               guint                timeout_ms,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
char         *pd_chip_reader_wait_card_finish (PdChipReader        *self,
                                               GAsyncResult        *result,
                                               GError             **error);

/* Connects to the card on @reader_name, exclusively, T=1 or T=0. */
gboolean      pd_chip_reader_connect          (PdChipReader        *self,
                                               const char          *reader_name,
                                               GError             **error);
/* The connected card's ATR. */
GBytes       *pd_chip_reader_get_atr          (PdChipReader        *self);
/* Sends @apdu and returns the response (data || SW1 SW2), after any GET RESPONSE (61xx). */
GBytes       *pd_chip_reader_transmit         (PdChipReader        *self,
                                               const guint8        *apdu,
                                               gsize                length,
                                               GError             **error);
/* APDUs sent since the connection, GET RESPONSE included. */
guint         pd_chip_reader_get_apdu_count   (PdChipReader        *self);
void          pd_chip_reader_disconnect       (PdChipReader        *self);

G_END_DECLS
