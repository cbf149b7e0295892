/* pd-photo-profile.c: reading and validating a photo standard profile. */
#define G_LOG_DOMAIN "pd-photo"

#include "config.h"

#include <stddef.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "pd-photo-profile.h"

G_DEFINE_QUARK (pd-photo-profile-error-quark, pd_photo_profile_error)
G_DEFINE_BOXED_TYPE (PdPhotoProfile, pd_photo_profile, pd_photo_profile_ref, pd_photo_profile_unref)

/* Every number a profile must have, and the range outside which it is a typing error. */
static const struct {
  const char *section;
  const char *name;
  gsize       offset;
  double      min;
  double      max;
} numbers[] = {
#define N(section, name, min, max) \
  { #section, #name, offsetof (PdPhotoProfile, section.name), min, max }
  N (output, width_mm, 10, 200),
  N (output, height_mm, 10, 200),
  N (output, dpi, 72, 1200),
  N (output, width_px, 64, 8000),
  N (output, height_px, 64, 8000),
  N (output, jpeg_max_bytes, 4096, 64 * 1024 * 1024),
  N (output, jpeg_min_bytes, 0, 64 * 1024 * 1024),
  N (output, jpeg_quality_max, 10, 100),
  N (output, jpeg_quality_min, 10, 100),
  N (head, height_min, 0.1, 1.0),
  N (head, height_max, 0.1, 1.0),
  N (head, height_target, 0.1, 1.0),
  N (head, crown_from_eyes, 0.5, 2.0),
  N (head, centre_tolerance, 0.0, 0.5),
  N (head, eye_line_min, 0.0, 1.0),
  N (head, eye_line_max, 0.0, 1.0),
  N (head, eye_line_target, 0.0, 1.0),
  N (head, eye_distance_min_px, 0, 4000),
  N (pose, yaw_max_deg, 0, 90),
  N (pose, pitch_max_deg, 0, 90),
  N (pose, roll_max_deg, 0, 90),
  N (pose, pitch_neutral_deg, -45, 45),
  N (expression, eye_aspect_min, 0, 1),
  N (expression, mouth_gap_max, 0, 2),
  N (glasses, bridge_edge_max, 0, 1000),
  N (glasses, rim_edge_max, 0, 1000),
  N (background, luma_min, 0, 255),
  N (background, luma_std_max, 0, 255),
  N (background, chroma_max, 0, 200),
  N (background, whiten_distance_max, 0, 255),
  N (exposure, face_luma_min, 0, 255),
  N (exposure, face_luma_max, 0, 255),
  N (exposure, clipped_max, 0, 1),
  N (lighting, cheek_ratio_min, 0, 1),
  N (sharpness, laplacian_percent_min, 0, 100000),
  N (sharpness, picture_laplacian_percent_min, 0, 100000),
  N (color, face_chroma_min, 0, 200),
  N (color, face_hue_min_deg, -180, 180),
  N (color, face_hue_max_deg, -180, 180),
  N (capture, head_frame_min, 0.01, 1),
  N (capture, source_scale_min, 0.05, 4),
  N (capture, detect_max_pixels, 10000, 100000000),
  N (capture, preview_detect_max_pixels, 10000, 100000000),
  N (capture, detect_score_min, -1, 3),
  N (capture, cnn_detect_max_pixels, 0, 100000000),
  N (capture, analysis_height_px, 64, 2000),
  N (match, distance_max, 0.1, 1.5),
#undef N
};

static void
pd_photo_profile_clear (PdPhotoProfile *profile)
{
  g_free (profile->id);
  g_free (profile->name);
  g_free (profile->verified);
  g_free (profile->not_checked);
  g_free (profile->model_path);
}

PdPhotoProfile *
pd_photo_profile_ref (PdPhotoProfile *profile)
{
  return g_atomic_rc_box_acquire (profile);
}

void
pd_photo_profile_unref (PdPhotoProfile *profile)
{
  g_atomic_rc_box_release_full (profile, (GDestroyNotify) pd_photo_profile_clear);
}

static char *
dup_string_member (JsonObject *object,
                   const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_node_get_string (node));
}

static gboolean
invalid (GError     **error,
         const char  *format,
         ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError     **error,
         const char  *format,
         ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, PD_PHOTO_PROFILE_ERROR, PD_PHOTO_PROFILE_ERROR_INVALID, message);
  return FALSE;
}

static gboolean
check_consistency (const PdPhotoProfile  *p,
                   GError               **error)
{
  if (!(p->head.height_min <= p->head.height_target && p->head.height_target <= p->head.height_max))
    return invalid (error, _("In the photo profile, head.height_target must lie between head.height_min and head.height_max."));
  if (!(p->head.eye_line_min <= p->head.eye_line_target && p->head.eye_line_target <= p->head.eye_line_max))
    return invalid (error, _("In the photo profile, head.eye_line_target must lie between head.eye_line_min and head.eye_line_max."));
  /* The crop puts the eyes at the target line; the crown must then stay inside the photo. */
  if (p->head.height_target * p->head.crown_from_eyes / (1 + p->head.crown_from_eyes) > 1 - p->head.eye_line_target)
    return invalid (error, _("In the photo profile, head.height_target and head.eye_line_target put the top of the head above the photo: lower one of them."));
  if (p->output.jpeg_quality_min > p->output.jpeg_quality_max)
    return invalid (error, _("In the photo profile, output.jpeg_quality_min is above output.jpeg_quality_max."));
  if (p->output.jpeg_min_bytes > p->output.jpeg_max_bytes)
    return invalid (error, _("In the photo profile, output.jpeg_min_bytes is above output.jpeg_max_bytes."));
  if (p->exposure.face_luma_min >= p->exposure.face_luma_max)
    return invalid (error, _("In the photo profile, exposure.face_luma_min must be below exposure.face_luma_max."));
  if (p->color.face_hue_min_deg >= p->color.face_hue_max_deg)
    return invalid (error, _("In the photo profile, color.face_hue_min_deg must be below color.face_hue_max_deg."));
  return TRUE;
}

PdPhotoProfile *
pd_photo_profile_new_from_data (const char  *data,
                                gssize       length,
                                GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(PdPhotoProfile) profile = NULL;
  JsonObject *root;
  JsonNode *root_node;

  if (!json_parser_load_from_data (parser, data, length, error))
    return NULL;
  root_node = json_parser_get_root (parser);
  if (root_node == NULL || !JSON_NODE_HOLDS_OBJECT (root_node))
    {
      invalid (error, _("A photo profile must be a JSON object."));
      return NULL;
    }
  root = json_node_get_object (root_node);

  profile = g_atomic_rc_box_new0 (PdPhotoProfile);
  profile->id = dup_string_member (root, "id");
  profile->name = dup_string_member (root, "name");
  profile->verified = dup_string_member (root, "verified");
  profile->not_checked = dup_string_member (root, "not_checked");
  profile->model_path = dup_string_member (root, "model_path");
  if (profile->id == NULL || profile->name == NULL)
    {
      invalid (error, _("A photo profile needs the strings “id” and “name”."));
      return NULL;
    }

  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    {
      JsonNode *section = json_object_get_member (root, numbers[i].section);
      JsonNode *node = NULL;
      double value;

      if (section != NULL && JSON_NODE_HOLDS_OBJECT (section))
        node = json_object_get_member (json_node_get_object (section), numbers[i].name);
      if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
          (json_node_get_value_type (node) != G_TYPE_DOUBLE &&
           json_node_get_value_type (node) != G_TYPE_INT64))
        {
          invalid (error, _("The photo profile “%s” has no number %s.%s: add it."),
                   profile->id, numbers[i].section, numbers[i].name);
          return NULL;
        }
      value = json_node_get_double (node);
      if (!(value >= numbers[i].min && value <= numbers[i].max))
        {
          invalid (error, _("In the photo profile “%s”, %s.%s is %g: it must be between %g and %g."),
                   profile->id, numbers[i].section, numbers[i].name, value,
                   numbers[i].min, numbers[i].max);
          return NULL;
        }
      G_STRUCT_MEMBER (double, profile, numbers[i].offset) = value;
    }

  if (!check_consistency (profile, error))
    return NULL;

  return g_steal_pointer (&profile);
}

PdPhotoProfile *
pd_photo_profile_new_from_file (const char  *path,
                                GError     **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length;
  PdPhotoProfile *profile;

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, PD_PHOTO_PROFILE_ERROR, PD_PHOTO_PROFILE_ERROR_NOT_FOUND,
                   _("Cannot read the photo profile “%s”: %s"), path, local_error->message);
      return NULL;
    }
  profile = pd_photo_profile_new_from_data (contents, length, &local_error);
  if (profile == NULL)
    g_set_error (error, PD_PHOTO_PROFILE_ERROR, PD_PHOTO_PROFILE_ERROR_INVALID,
                 _("The photo profile “%s” is not valid: %s"), path, local_error->message);
  return profile;
}

PdPhotoProfile *
pd_photo_profile_load (const char  *id,
                       GError     **error)
{
  const char *env = g_getenv ("PASSDESK_DATA_DIR");
  g_autofree char *file_name = g_strconcat (id, ".json", NULL);
  const char *directories[] = {
    env != NULL && *env != '\0' ? env : NULL,
    PKGDATADIR,
    SOURCE_DATADIR,
  };

  if (strchr (id, '/') != NULL || *id == '\0' || *id == '.')
    {
      g_set_error (error, PD_PHOTO_PROFILE_ERROR, PD_PHOTO_PROFILE_ERROR_NOT_FOUND,
                   _("“%s” is not a photo profile name. Use a name such as vn-passport."), id);
      return NULL;
    }

  for (guint i = 0; i < G_N_ELEMENTS (directories); i++)
    {
      g_autofree char *path = NULL;

      if (directories[i] == NULL)
        continue;
      path = g_build_filename (directories[i], "photo-standards", file_name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return pd_photo_profile_new_from_file (path, error);
    }

  g_set_error (error, PD_PHOTO_PROFILE_ERROR, PD_PHOTO_PROFILE_ERROR_NOT_FOUND,
               _("There is no photo profile “%s”. Reinstall Passdesk, or name a profile file "
                 "with --profile."), id);
  return NULL;
}
