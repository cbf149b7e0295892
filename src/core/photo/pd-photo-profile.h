/* pd-photo-profile.h: the numbers of a photo standard, read from data/photo-standards/NAME.json.
 *
 * Every limit the checks and the crop use lives in the profile, so that a change of the rules
 * is a change of data. Ratios are of the photo's height (head, eye line) or width (centring);
 * the eye line is measured from the bottom edge.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PD_PHOTO_PROFILE_ERROR (pd_photo_profile_error_quark ())
typedef enum {
  PD_PHOTO_PROFILE_ERROR_NOT_FOUND,
  PD_PHOTO_PROFILE_ERROR_INVALID,
} PdPhotoProfileError;
GQuark pd_photo_profile_error_quark (void);

#define PD_TYPE_PHOTO_PROFILE (pd_photo_profile_get_type ())
GType pd_photo_profile_get_type (void) G_GNUC_CONST;

typedef struct {
  char   *id;
  char   *name;
  char   *verified;      /* what of the profile is a rule and what is practice */
  char   *not_checked;   /* what the officer checks by eye */
  char   *model_path;    /* nullable */

  struct {
    double width_mm, height_mm, dpi, width_px, height_px;
    double jpeg_max_bytes, jpeg_min_bytes, jpeg_quality_max, jpeg_quality_min;
  } output;
  struct {
    double height_min, height_max, height_target, crown_from_eyes, centre_tolerance;
    double eye_line_min, eye_line_max, eye_line_target, eye_distance_min_px;
  } head;
  struct {
    double yaw_max_deg, pitch_max_deg, roll_max_deg, pitch_neutral_deg;
  } pose;
  struct {
    double eye_aspect_min, mouth_gap_max;
  } expression;
  struct {
    double bridge_edge_max, rim_edge_max;
  } glasses;
  struct {
    double luma_min, luma_std_max, chroma_max, whiten_distance_max;
  } background;
  struct {
    double face_luma_min, face_luma_max, clipped_max;
  } exposure;
  struct {
    double cheek_ratio_min;
  } lighting;
  struct {
    double laplacian_percent_min, picture_laplacian_percent_min;
  } sharpness;
  struct {
    double face_chroma_min, face_hue_min_deg, face_hue_max_deg;
  } color;
  struct {
    double head_frame_min, source_scale_min, detect_max_pixels, preview_detect_max_pixels;
    double detect_score_min, analysis_height_px;
    /* The CNN detector's picture where HOG finds no face in a still (0: never) */
    double cnn_detect_max_pixels;
  } capture;
  struct {
    /* Two faces nearer than this (descriptor distance) are judged the same person. */
    double distance_max;
  } match;
} PdPhotoProfile;

PdPhotoProfile *pd_photo_profile_new_from_file (const char      *path,
                                                GError         **error);
PdPhotoProfile *pd_photo_profile_new_from_data (const char      *data,
                                                gssize           length,
                                                GError         **error);
/* Looks for ID.json in photo-standards/ under PASSDESK_DATA_DIR, then the installed data. */
PdPhotoProfile *pd_photo_profile_load          (const char      *id,
                                                GError         **error);
PdPhotoProfile *pd_photo_profile_ref           (PdPhotoProfile  *profile);
void            pd_photo_profile_unref         (PdPhotoProfile  *profile);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PdPhotoProfile, pd_photo_profile_unref)

G_END_DECLS
