/* pd-photo.h: checking a passport photo against a standard profile, and cutting the standard
 * photo out of a camera picture.
 *
 * Each check has a stable id, a measured value, its limit from the profile and a message that
 * tells the person what to do. Left and right in messages are the person's own: photos are not
 * mirrored, so the person's left is on the right of the picture.
 *
 * Not checked: head coverings and hair over the ears. The 68 landmarks do not see them
 * reliably, and a guess would send people home for nothing; the officer checks them by eye.
 * Glasses are checked from the edges their frame draws across the nose and under the eyes.
 */
#pragma once

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <json-glib/json-glib.h>

#include "pd-face.h"
#include "pd-photo-profile.h"

G_BEGIN_DECLS

#define PD_PHOTO_ERROR (pd_photo_error_quark ())
typedef enum {
  PD_PHOTO_ERROR_CANNOT_CROP,   /* the face checks that the crop needs did not pass */
} PdPhotoError;
GQuark pd_photo_error_quark (void);

typedef enum {
  /* A camera still or a file from which the standard photo will be cut: framing is judged by
   * whether the standard frame fits in the picture. */
  PD_PHOTO_MODE_CAPTURE,
  /* A live camera frame: as CAPTURE, without the resolution check (the still is larger). */
  PD_PHOTO_MODE_PREVIEW,
  /* The file is the finished photo: framing is judged on the picture as it is. */
  PD_PHOTO_MODE_FINAL,
} PdPhotoMode;

/* The ids, in the order of the report. */
#define PD_PHOTO_CHECK_SINGLE_FACE   "single_face"
#define PD_PHOTO_CHECK_RESOLUTION    "resolution"
#define PD_PHOTO_CHECK_HEAD_SIZE     "head_size"
#define PD_PHOTO_CHECK_HEAD_POSITION "head_position"
#define PD_PHOTO_CHECK_ROLL          "roll"
#define PD_PHOTO_CHECK_YAW           "yaw"
#define PD_PHOTO_CHECK_PITCH         "pitch"
#define PD_PHOTO_CHECK_EYES_OPEN     "eyes_open"
#define PD_PHOTO_CHECK_MOUTH_CLOSED  "mouth_closed"
#define PD_PHOTO_CHECK_BACKGROUND    "background"
#define PD_PHOTO_CHECK_EXPOSURE      "exposure"
#define PD_PHOTO_CHECK_LIGHTING      "lighting"
#define PD_PHOTO_CHECK_SHARPNESS     "sharpness"
#define PD_PHOTO_CHECK_NATURAL_COLOR "natural_color"
#define PD_PHOTO_CHECK_GLASSES       "glasses"

typedef struct {
  const char *id;         /* one of PD_PHOTO_CHECK_* */
  gboolean    passed;
  double      value;
  double      limit_min;  /* NAN when there is no lower limit */
  double      limit_max;  /* NAN when there is no upper limit */
  const char *unit;       /* "faces", "px", "ratio", "deg", "luma" or "" */
  char       *message;    /* translated; what to do when failed, what was found when passed */
  /* FALSE when the check could not be measured (a face check with no single face): then
   * passed is FALSE and value NAN. */
  gboolean    measured;
} PdPhotoCheck;

typedef struct _PdPhotoReport PdPhotoReport;

/* Runs every check that applies. With no face or several faces, the checks of the whole
 * picture (resolution, exposure, sharpness, colour) are still measured, so that a blurred or
 * tiny picture says so, and the checks of one face are reported as not measured.
 * Thread-safe for distinct @image. */
PdPhotoReport      *pd_photo_analyze              (PdFaceModel          *model,
                                                   PdPhotoProfile       *profile,
                                                   GdkPixbuf            *image,
                                                   PdPhotoMode           mode);
gboolean            pd_photo_report_is_compliant  (const PdPhotoReport  *report);
guint               pd_photo_report_get_face_count (const PdPhotoReport *report);
guint               pd_photo_report_get_n_checks  (const PdPhotoReport  *report);
const PdPhotoCheck *pd_photo_report_get_check     (const PdPhotoReport  *report,
                                                   guint                 index);
/* NULL when the check was not run. */
const PdPhotoCheck *pd_photo_report_find_check    (const PdPhotoReport  *report,
                                                   const char           *id);
/* The detected face (landmarks in @image's coordinates), or NULL unless exactly one. */
const PdFace       *pd_photo_report_get_face      (const PdPhotoReport  *report);
/* {"compliant", "face_count", "checks": [{"id", "passed", "measured", "value", "limit":
 * {"min", "max"}, "unit", "message"}]}; "value" is null when not measured. */
JsonNode           *pd_photo_report_to_json       (const PdPhotoReport  *report);
void                pd_photo_report_free          (PdPhotoReport        *report);

/* The standard photo cut from @image, which @report (CAPTURE mode, of @image) says has one
 * face that fits the standard frame: levelled, scaled and cropped to the profile's size with
 * the head at the profile's height. A background that passed its check is made white; any
 * other is left alone. */
GdkPixbuf          *pd_photo_make_standard        (PdPhotoProfile       *profile,
                                                   GdkPixbuf            *image,
                                                   const PdPhotoReport  *report,
                                                   GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdPhotoReport, pd_photo_report_free)

G_END_DECLS
