/* pd-photo-page-private.h: what the UI tests look at. */
#pragma once

#include <adwaita.h>

#include "pd-photo.h"
#include "pd-photo-page.h"

G_BEGIN_DECLS

/* The report shown in the check list (the live frame's, or the imported picture's), or NULL. */
const PdPhotoReport *pd_photo_page_get_report         (PdPhotoPage *self);
gboolean             pd_photo_page_get_model_ready    (PdPhotoPage *self);
/* What the page says when photos cannot be checked, or NULL. */
const char          *pd_photo_page_get_error          (PdPhotoPage *self);
/* The message shown under check @id (a PD_PHOTO_CHECK_* id): NULL unless it failed. */
const char          *pd_photo_page_get_check_message  (PdPhotoPage *self,
                                                       const char  *id);
gboolean             pd_photo_page_get_capture_enabled (PdPhotoPage *self);
/* The standard photo cut at the last capture or import, and its JPEG, or NULL. */
GdkTexture          *pd_photo_page_get_result         (PdPhotoPage *self);
GBytes              *pd_photo_page_get_result_jpeg    (PdPhotoPage *self);
/* The override dialog while it is open, and its reason entry. */
AdwMessageDialog    *pd_photo_page_get_override_dialog (PdPhotoPage *self);
GtkEditable         *pd_photo_page_get_override_entry  (PdPhotoPage *self);
GtkCheckButton      *pd_photo_page_get_countdown_check (PdPhotoPage *self);
/* "finding", "no-camera", "live" or "still": what the left side shows. */
const char          *pd_photo_page_get_source_state   (PdPhotoPage *self);

G_END_DECLS
