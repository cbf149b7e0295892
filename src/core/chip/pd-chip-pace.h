/* pd-chip-pace.h: Password Authenticated Connection Establishment (ICAO 9303 part 11, 4.4)
 * with OpenPACE: the reader's side, driving MSE:Set AT and General Authenticate's four steps,
 * and the card's, for the test card. Either ends in secure messaging under the session keys.
 *
 * EF.CardAccess (in the master file, readable before any access control) lists the PACE
 * protocols and domain parameters the chip takes; OpenPACE parses it. The password is the
 * card access number when the key has one (a CCCD's: the ID number's last 6 digits), else the
 * MRZ information (SHA-1 of it, as BAC's seed before truncation).
 */
#pragma once

#include <glib.h>

#include "pd-chip-bac.h"
#include "pd-chip-sm.h"

G_BEGIN_DECLS

/* Whether @card_access (nullable) offers a PACE protocol OpenPACE runs. */
gboolean    pd_chip_pace_offered          (GBytes        *card_access);

/* One plain command to the card: its answer's data and *@sw, or NULL and an error (the
 * transport's: no card, removed...). */
typedef GBytes *(*PdChipPaceTransmit) (const guint8  *apdu,
                                       gsize          length,
                                       guint16       *sw,
                                       gpointer       user_data,
                                       GError       **error);

/* Reader side: PACE with @key's CAN (or its MRZ information) over the protocol @card_access
 * offers. *@refused is TRUE when the card declined MSE:Set AT, as a card that takes only BAC
 * does (the caller may try BAC then). A refused password is PD_CHIP_ERROR_WRONG_KEY; an answer
 * that breaks the protocol BAD_ANSWER. */
PdChipSm   *pd_chip_pace_run              (GBytes              *card_access,
                                           const PdChipBacKey  *key,
                                           PdChipPaceTransmit   transmit,
                                           gpointer             user_data,
                                           gboolean            *refused,
                                           GError             **error);

/* The value of data object @tag inside General Authenticate's dynamic authentication data
 * (7C L ...), FALSE when @data is not that template or has no such object. */
gboolean    pd_chip_pace_find_object      (const guint8  *data,
                                           gsize          length,
                                           guint          tag,
                                           const guint8 **value,
                                           gsize         *value_length);

/* Card side, for the test card: the chip's half of PACE with @can (nullable) and
 * @mrz_info (nullable) as its passwords. */
typedef struct _PdChipPaceCard PdChipPaceCard;

/* NULL when @card_access offers no PACE OpenPACE runs. */
PdChipPaceCard *pd_chip_pace_card_new     (GBytes        *card_access,
                                           const char    *can,
                                           const char    *mrz_info);
void        pd_chip_pace_card_free        (PdChipPaceCard *card);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdChipPaceCard, pd_chip_pace_card_free)

/* MSE:Set AT's data: the status word to answer (9000 when the protocol and password are
 * this card's). */
guint16     pd_chip_pace_card_set_at      (PdChipPaceCard *card,
                                           const guint8  *data,
                                           gsize          length);
/* One General Authenticate: its answer's data into @out and the status word. After the last
 * step, when the reader's token holds, *@sm is the session's secure messaging. */
guint16     pd_chip_pace_card_authenticate (PdChipPaceCard *card,
                                            const guint8  *data,
                                            gsize          length,
                                            GByteArray    *out,
                                            PdChipSm     **sm);

G_END_DECLS
