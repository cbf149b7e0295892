/* pd-face-match.h: whether two photos show the same person (the photo taken at the counter and
 * the one on the document's chip), from dlib's face descriptors.
 *
 * The software advises and the officer decides: the match is a distance and the profile's
 * threshold (match.distance_max, dlib's 0.6), and the officer's decision is audited.
 */
#pragma once

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <json-glib/json-glib.h>

#include "pd-face.h"
#include "pd-photo-profile.h"
#include "pd-store.h"

G_BEGIN_DECLS

typedef struct {
  gboolean same_person;   /* distance < threshold */
  double   distance;
  double   threshold;
} PdFaceMatch;

/* The descriptor of the main face of @image (the largest, where there are several): fails
 * with PD_FACE_ERROR_NO_FACE when there is none. Loads the recognition network on first use;
 * call it off the UI thread. */
gboolean  pd_face_describe_image        (PdFaceModel          *model,
                                         PdPhotoProfile       *profile,
                                         GdkPixbuf            *image,
                                         PdFaceDescriptor     *descriptor,
                                         GError              **error);

/* Compares the main faces of @first and @second against @profile's threshold. Fails with
 * PD_FACE_ERROR_NO_FACE_FIRST or _SECOND when a photo has no face, with the recognizer's error
 * when its model cannot be loaded. */
gboolean  pd_face_compare_images        (PdFaceModel          *model,
                                         PdPhotoProfile       *profile,
                                         GdkPixbuf            *first,
                                         GdkPixbuf            *second,
                                         PdFaceMatch          *match,
                                         GError              **error);
/* The same in a background worker (pd_background_run_task()); @model must outlive the call. */
void      pd_face_compare_images_async  (PdFaceModel          *model,
                                         PdPhotoProfile       *profile,
                                         GdkPixbuf            *first,
                                         GdkPixbuf            *second,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
gboolean  pd_face_compare_images_finish (GAsyncResult         *result,
                                         PdFaceMatch          *match,
                                         GError              **error);

/* As pd_face_compare_images() on two photo files (JPEG or PNG, read as pd-photo-image.h reads
 * them); the errors name the file. */
gboolean  pd_face_compare_files         (PdFaceModel          *model,
                                         PdPhotoProfile       *profile,
                                         GFile                *first,
                                         GFile                *second,
                                         PdFaceMatch          *match,
                                         GError              **error);
void      pd_face_compare_files_async   (PdFaceModel          *model,
                                         PdPhotoProfile       *profile,
                                         GFile                *first,
                                         GFile                *second,
                                         GCancellable         *cancellable,
                                         GAsyncReadyCallback   callback,
                                         gpointer              user_data);
gboolean  pd_face_compare_files_finish  (GAsyncResult         *result,
                                         PdFaceMatch          *match,
                                         GError              **error);

/* {"same_person": bool, "distance": d, "threshold": t} */
JsonNode *pd_face_match_to_json         (const PdFaceMatch    *match);

/* Records the officer's decision in @store's audit log: action "face-match-confirmed" when
 * @same_person, else "face-match-refused", on @subject (what was compared, e.g. a dossier),
 * with the advice in the detail ({"same_person": null} when @advice is NULL: no face was found,
 * the officer judged by eye). Blocking: call it off the UI thread. */
gboolean  pd_face_match_audit           (PdStore              *store,
                                         const char           *actor,
                                         const char           *subject,
                                         gboolean              same_person,
                                         const PdFaceMatch    *advice,
                                         GError              **error);

G_END_DECLS
