/* pd-slip-photo.h: at a counter, the photo of a declaration slip printed at an assisted-entry
 * station, fetched from the central system by the slip's code (sync/pd-prepared.h).
 *
 * The signed QR code has filled the form; this only adds the photo, and shows as mismatches
 * the fields where the central copy differs from the slip (the slip's values stay). A photo
 * that met the standard at the station is put on the form (which ticks the photo in the
 * required documents); one used there with failed checks overridden is not, and the photo page
 * is opened for the officer to decide. Either way the photo page checks it with this
 * counter's standard when the officer opens it (its face model has loaded by then).
 *
 * Signal "message" (const char *text): what to tell the officer.
 */
#pragma once

#include <adwaita.h>

#include "pd-dossier-form.h"
#include "pd-photo-page.h"
#include "sync/pd-sync-engine.h"

G_BEGIN_DECLS

#define PD_TYPE_SLIP_PHOTO (pd_slip_photo_get_type ())
G_DECLARE_FINAL_TYPE (PdSlipPhoto, pd_slip_photo, PD, SLIP_PHOTO, GObject)

/* The widgets are the window's, which outlives this object and calls pd_slip_photo_cancel()
 * when it is disposed. */
PdSlipPhoto *pd_slip_photo_new    (PdDossierForm *form,
                                   PdPhotoPage   *photo_page,
                                   AdwViewStack  *view_stack);
/* @slip: the declaration the slip's QR code carried (a copy is kept). Does nothing without a
 * declaration code or without @engine (a station never enrolled). */
void         pd_slip_photo_fetch  (PdSlipPhoto   *self,
                                   PdSyncEngine  *engine,
                                   PdDossier     *slip);
void         pd_slip_photo_cancel (PdSlipPhoto   *self);

G_END_DECLS
