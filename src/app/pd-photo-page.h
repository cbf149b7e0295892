/* pd-photo-page.h: taking the applicant's photo: the live camera with the head outline, the
 * checks of the photo standard on the newest frame several times a second, the capture (with
 * an optional countdown), the standard photo cut from it, and import from a file for a photo
 * the applicant brought.
 *
 * Capture is allowed only when every check passes; the officer may override failed checks
 * with a reason, which goes with the accepted photo to the audit log.
 *
 * Signal "photo-accepted" (GBytes *jpeg, const char *override_detail): the officer took the
 * standard photo; @override_detail is NULL when it passed every check, else what the audit
 * log records: the ids of the failed checks and the officer's reason.
 */
#pragma once

#include <gtk/gtk.h>

#include "capture/pd-camera.h"
#include "pd-photo-profile.h"

G_BEGIN_DECLS

#define PD_TYPE_PHOTO_PAGE (pd_photo_page_get_type ())
G_DECLARE_FINAL_TYPE (PdPhotoPage, pd_photo_page, PD, PHOTO_PAGE, GtkWidget)

GtkWidget      *pd_photo_page_new         (void);
PdPhotoProfile *pd_photo_page_get_profile (PdPhotoPage    *self);
void            pd_photo_page_set_profile (PdPhotoPage    *self,
                                           PdPhotoProfile *profile);
/* Loads the face model the profile names in a worker thread; until then the page says so.
 * A missing or broken model file is shown with what to install. */
void            pd_photo_page_load_model  (PdPhotoPage    *self);
/* Shows why photos cannot be checked (the photo standard could not be read), with what to do. */
void            pd_photo_page_show_error  (PdPhotoPage    *self,
                                           const char     *description);
/* The camera to use instead of the first one plugged in (a file stands in for one in tests).
 * The page starts it while shown and stops it while hidden. */
void            pd_photo_page_set_camera  (PdPhotoPage    *self,
                                           PdCamera       *camera);
/* Checks a picture from a file (JPEG or PNG) and cuts the standard photo from it. */
void            pd_photo_page_import_file (PdPhotoPage    *self,
                                           GFile          *file);
/* Forgets the photo taken and any override: the next applicant. */
void            pd_photo_page_reset       (PdPhotoPage    *self);

G_END_DECLS
