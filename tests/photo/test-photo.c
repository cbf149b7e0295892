/* test-photo.c: the photo checks on the labelled test set that make-testset.py derives from
 * Debian's astronaut portrait, the standard crop, the reader's defences, and the CLI.
 *
 * The portrait smiles with her teeth showing, which the passport profile rightly refuses
 * (mouth_closed). The variants are therefore judged with a copy of the profile that tolerates
 * that smile, made by changing one number of the JSON: the same path a change of rules takes.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gstdio.h>

#include "pd-photo.h"
#include "pd-photo-image.h"
#include "pd-test-support.h"

static PdFaceModel *model;
static PdPhotoProfile *official;
static PdPhotoProfile *tolerant;
static char *tolerant_path;
static char *tmpdir;

static char *
testset_path (const char *name)
{
  return g_build_filename (g_getenv ("PASSDESK_PHOTO_TESTSET"), name, NULL);
}

static GdkPixbuf *
load_variant (const char *name)
{
  g_autofree char *path = testset_path (name);
  g_autoptr(GError) error = NULL;
  GdkPixbuf *image = pd_photo_image_load_file (path, &error);

  g_assert_no_error (error);
  return image;
}

static PdPhotoReport *
analyze_variant (PdPhotoProfile *profile,
                 const char     *name,
                 PdPhotoMode     mode)
{
  g_autoptr(GdkPixbuf) image = load_variant (name);

  return pd_photo_analyze (model, profile, image, mode);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* The ids of the measured checks that failed, sorted and joined with spaces. */
static char *
failed_ids (const PdPhotoReport *report)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();

  for (guint i = 0; i < pd_photo_report_get_n_checks (report); i++)
    if (pd_photo_report_get_check (report, i)->measured && !pd_photo_report_get_check (report, i)->passed)
      g_ptr_array_add (ids, (gpointer) pd_photo_report_get_check (report, i)->id);
  g_ptr_array_sort (ids, compare_strings);
  g_ptr_array_add (ids, NULL);
  return g_strjoinv (" ", (char **) ids->pdata);
}

static const struct {
  const char *file;
  guint       faces;
  const char *failed;     /* sorted ids, "" when compliant */
  const char *message_id; /* a check whose message must contain ... */
  const char *message;    /* ... this */
} variants[] = {
  { "base.png", 1, "", NULL, NULL },
  { "base.jpg", 1, "", NULL, NULL },
  { "exif-rotated.jpg", 1, "", NULL, NULL },
  { "original.png", 1, "background", "background", "white wall" },
  { "blue-background.png", 1, "background", "background", "white wall" },
  { "rotated.png", 1, "roll", "roll", "Tilt your head" },
  { "dark-face.png", 1, "exposure", "exposure", "too dark" },
  { "dark.png", 1, "background exposure", "exposure", "too dark" },
  { "blurred.png", 1, "sharpness", "sharpness", "blurred" },
  { "small.png", 1, "resolution", "resolution", "Move closer" },
  { "greyscale.png", 1, "natural_color", "natural_color", "in colour" },
  { "colour-cast.png", 1, "background natural_color", "natural_color", "white balance" },
  { "side-shadow.png", 1, "lighting", "lighting", "Your right cheek is in shadow" },
  /* The person turned to their left: the message turns them back to their right. */
  { "yaw-left.png", 1, "yaw", "yaw", "Turn your head slightly to the right" },
  { "yaw-right.png", 1, "yaw", "yaw", "Turn your head slightly to the left" },
  /* At the image's left edge is at the person's right: they move to their left. */
  { "off-centre.png", 1, "head_position", "head_position", "Move slightly to your left" },
  /* Too close: the frame does not fit, so it cannot be placed either. */
  { "too-close.png", 1, "head_position head_size", "head_size", "Move back" },
  { "two-faces.png", 2, "single_face", "single_face", "only the applicant" },
  { "no-face.png", 0, "single_face", "single_face", "No face" },
};

static void
test_variants (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (variants); i++)
    {
      g_autoptr(PdPhotoReport) report = analyze_variant (tolerant, variants[i].file, PD_PHOTO_MODE_CAPTURE);
      g_autofree char *failed = failed_ids (report);

      g_test_message ("%s: faces %u, failed “%s”", variants[i].file,
                      pd_photo_report_get_face_count (report), failed);
      g_assert_cmpuint (pd_photo_report_get_face_count (report), ==, variants[i].faces);
      g_assert_cmpstr (failed, ==, variants[i].failed);
      g_assert_cmpint (pd_photo_report_is_compliant (report), ==, *variants[i].failed == '\0');
      if (variants[i].message_id != NULL)
        {
          const PdPhotoCheck *check = pd_photo_report_find_check (report, variants[i].message_id);

          g_assert_nonnull (check);
          g_assert_nonnull (strstr (check->message, variants[i].message));
        }
      /* Every check is reported; with no single face those of one face are not measured. */
      g_assert_cmpuint (pd_photo_report_get_n_checks (report), ==, 15);
      for (guint j = 0; j < pd_photo_report_get_n_checks (report); j++)
        {
          const PdPhotoCheck *check = pd_photo_report_get_check (report, j);
          gboolean of_picture = g_str_equal (check->id, PD_PHOTO_CHECK_SINGLE_FACE) ||
                                g_str_equal (check->id, PD_PHOTO_CHECK_RESOLUTION) ||
                                g_str_equal (check->id, PD_PHOTO_CHECK_EXPOSURE) ||
                                g_str_equal (check->id, PD_PHOTO_CHECK_SHARPNESS) ||
                                g_str_equal (check->id, PD_PHOTO_CHECK_NATURAL_COLOR);

          g_assert_cmpint (check->measured, ==, variants[i].faces == 1 || of_picture);
          g_assert_true (check->measured || (!check->passed && isnan (check->value)));
        }
    }
}

static void
test_official_profile_refuses_smile (void)
{
  g_autoptr(PdPhotoReport) report = analyze_variant (official, "base.png", PD_PHOTO_MODE_CAPTURE);
  g_autofree char *failed = failed_ids (report);
  const PdPhotoCheck *mouth = pd_photo_report_find_check (report, PD_PHOTO_CHECK_MOUTH_CLOSED);

  g_assert_cmpstr (failed, ==, "mouth_closed");
  g_assert_cmpfloat (mouth->value, >, official->expression.mouth_gap_max);
  g_assert_cmpfloat (mouth->limit_max, ==, official->expression.mouth_gap_max);
  g_assert_nonnull (strstr (mouth->message, "Close your mouth"));
}

static void
test_values_and_limits (void)
{
  g_autoptr(PdPhotoReport) report = analyze_variant (tolerant, "rotated.png", PD_PHOTO_MODE_CAPTURE);
  g_autoptr(PdPhotoReport) level = analyze_variant (tolerant, "base.png", PD_PHOTO_MODE_CAPTURE);
  const PdPhotoCheck *roll = pd_photo_report_find_check (report, PD_PHOTO_CHECK_ROLL);
  const PdPhotoCheck *level_roll = pd_photo_report_find_check (level, PD_PHOTO_CHECK_ROLL);
  g_autoptr(JsonNode) json = pd_photo_report_to_json (report);
  JsonObject *root = json_node_get_object (json);
  JsonArray *checks = json_object_get_array_member (root, "checks");
  gboolean seen_roll = FALSE;

  /* PIL turns the picture 15° counter-clockwise: the measured roll moves by that much. */
  g_assert_cmpfloat (fabs (roll->value - (level_roll->value - 15)), <, 1.5);
  g_assert_cmpfloat (roll->limit_min, ==, -tolerant->pose.roll_max_deg);
  g_assert_cmpfloat (roll->limit_max, ==, tolerant->pose.roll_max_deg);

  g_assert_false (json_object_get_boolean_member (root, "compliant"));
  g_assert_cmpint (json_object_get_int_member (root, "face_count"), ==, 1);
  for (guint i = 0; i < json_array_get_length (checks); i++)
    {
      JsonObject *check = json_array_get_object_element (checks, i);

      g_assert_true (json_object_has_member (check, "value"));
      g_assert_true (json_object_has_member (check, "limit"));
      g_assert_true (json_object_has_member (check, "message"));
      if (g_str_equal (json_object_get_string_member (check, "id"), "roll"))
        {
          seen_roll = TRUE;
          g_assert_false (json_object_get_boolean_member (check, "passed"));
          g_assert_cmpfloat (json_object_get_double_member (json_object_get_object_member (check, "limit"), "max"),
                             ==, tolerant->pose.roll_max_deg);
        }
    }
  g_assert_true (seen_roll);
}

static void
test_preview_frame (void)
{
  g_autoptr(GdkPixbuf) base = load_variant ("base.png");
  g_autoptr(GdkPixbuf) scaled = gdk_pixbuf_scale_simple (base, 480, 480, GDK_INTERP_BILINEAR);
  g_autoptr(GdkPixbuf) frame = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 640, 480);
  g_autoptr(PdPhotoReport) report = NULL;
  g_autofree char *failed = NULL;

  gdk_pixbuf_fill (frame, 0xffffffff);
  gdk_pixbuf_copy_area (scaled, 0, 0, 480, 480, frame, 80, 0);
  report = pd_photo_analyze (model, tolerant, frame, PD_PHOTO_MODE_PREVIEW);
  failed = failed_ids (report);

  /* A preview is smaller than the still: its resolution is not judged. */
  g_assert_null (pd_photo_report_find_check (report, PD_PHOTO_CHECK_RESOLUTION));
  g_assert_cmpuint (pd_photo_report_get_face_count (report), ==, 1);
  g_assert_cmpstr (failed, ==, "");
}

static guint8
pixel_luma (GdkPixbuf *image,
            int        x,
            int        y)
{
  const guint8 *p = gdk_pixbuf_read_pixels (image) + (gsize) y * gdk_pixbuf_get_rowstride (image) +
                    (gsize) x * gdk_pixbuf_get_n_channels (image);

  return (guint8) ((77 * p[0] + 150 * p[1] + 29 * p[2]) >> 8);
}

static void
test_standard_crop (void)
{
  g_autoptr(GdkPixbuf) image = load_variant ("rotated.png");
  g_autoptr(PdPhotoReport) report = pd_photo_analyze (model, tolerant, image, PD_PHOTO_MODE_CAPTURE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) standard = pd_photo_make_standard (tolerant, image, report, &error);
  g_autoptr(GBytes) jpeg = NULL;
  g_autoptr(GdkPixbuf) written = NULL;
  g_autoptr(PdPhotoReport) final = NULL;
  g_autofree char *failed = NULL;
  const PdPhotoCheck *roll;
  int quality = 0;

  /* A tilted head fails roll as taken, and the crop levels it. */
  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (standard), ==, 472);
  g_assert_cmpint (gdk_pixbuf_get_height (standard), ==, 709);
  jpeg = pd_photo_image_encode_jpeg (standard, 60, 95, 0, 1048576, 300, &quality, &error);
  g_assert_no_error (error);
  g_assert_cmpint (quality, ==, 95);
  written = pd_photo_image_load_bytes (jpeg, &error);
  g_assert_no_error (error);
  final = pd_photo_analyze (model, tolerant, written, PD_PHOTO_MODE_FINAL);
  failed = failed_ids (final);
  g_assert_cmpstr (failed, ==, "");
  roll = pd_photo_report_find_check (final, PD_PHOTO_CHECK_ROLL);
  g_assert_cmpfloat (fabs (roll->value), <, 1.5);
  /* The white background stays white to the corners. */
  g_assert_cmpint (pixel_luma (written, 2, 2), >=, 250);
  g_assert_cmpint (pixel_luma (written, 469, 2), >=, 250);
}

static void
test_crop_leaves_grey_background (void)
{
  g_autoptr(GdkPixbuf) image = load_variant ("original.png");
  g_autoptr(PdPhotoReport) report = pd_photo_analyze (model, tolerant, image, PD_PHOTO_MODE_CAPTURE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) standard = pd_photo_make_standard (tolerant, image, report, &error);
  g_autoptr(PdPhotoReport) final = NULL;
  g_autofree char *failed = NULL;

  /* A background that failed is not painted over: the crop keeps it, and it still fails. */
  g_assert_no_error (error);
  g_assert_cmpint (pixel_luma (standard, 2, 2), <, 215);
  final = pd_photo_analyze (model, tolerant, standard, PD_PHOTO_MODE_FINAL);
  failed = failed_ids (final);
  g_assert_cmpstr (failed, ==, "background");
}

static void
test_crop_refused (void)
{
  const char *files[] = { "too-close.png", "two-faces.png", "no-face.png", "off-centre.png" };

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autoptr(GdkPixbuf) image = load_variant (files[i]);
      g_autoptr(PdPhotoReport) report = pd_photo_analyze (model, tolerant, image, PD_PHOTO_MODE_CAPTURE);
      g_autoptr(GError) error = NULL;
      g_autoptr(GdkPixbuf) standard = pd_photo_make_standard (tolerant, image, report, &error);

      g_assert_null (standard);
      g_assert_error (error, PD_PHOTO_ERROR, PD_PHOTO_ERROR_CANNOT_CROP);
    }
}

static void
test_final_mode_on_uncropped (void)
{
  g_autoptr(PdPhotoReport) report = analyze_variant (tolerant, "base.png", PD_PHOTO_MODE_FINAL);
  g_autofree char *failed = failed_ids (report);

  /* The square camera picture is not itself a 4 × 6 photo with the head at the right size and
   * height. */
  g_assert_cmpstr (failed, ==, "head_position head_size resolution");
}

static void
test_jpeg_size_limit (void)
{
  g_autoptr(GdkPixbuf) image = load_variant ("base.png");
  g_autoptr(PdPhotoReport) report = pd_photo_analyze (model, tolerant, image, PD_PHOTO_MODE_CAPTURE);
  g_autoptr(GdkPixbuf) standard = pd_photo_make_standard (tolerant, image, report, NULL);
  g_autoptr(GBytes) small = NULL;
  g_autoptr(GBytes) impossible = NULL;
  g_autoptr(GBytes) too_small = NULL;
  g_autoptr(GError) error = NULL;
  const guint8 *data;
  gsize size;
  int quality = 0;

  small = pd_photo_image_encode_jpeg (standard, 10, 95, 0, 30000, 300, &quality, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (small), <=, 30000);
  g_assert_cmpint (quality, <, 95);
  g_assert_cmpint (quality, >=, 10);

  /* No metadata: no EXIF or XMP segment, only the JFIF header with the print density. */
  data = g_bytes_get_data (small, &size);
  g_assert_null (g_strstr_len ((const char *) data, size, "Exif"));
  g_assert_null (g_strstr_len ((const char *) data, size, "http://ns.adobe.com"));
  g_assert_cmpmem (data + 6, 5, "JFIF", 5);
  g_assert_cmpint (data[13], ==, 1);                      /* density in dots per inch */
  g_assert_cmpint (data[14] << 8 | data[15], ==, 300);

  impossible = pd_photo_image_encode_jpeg (standard, 60, 95, 0, 5000, 300, NULL, &error);
  g_assert_null (impossible);
  g_assert_error (error, PD_PHOTO_IMAGE_ERROR, PD_PHOTO_IMAGE_ERROR_ENCODE);
  g_clear_error (&error);
  too_small = pd_photo_image_encode_jpeg (standard, 60, 95, 10000000, 20000000, 300, NULL, &error);
  g_assert_null (too_small);
  g_assert_error (error, PD_PHOTO_IMAGE_ERROR, PD_PHOTO_IMAGE_ERROR_ENCODE);
}

static const struct {
  const char *file;
  int         code;
} hostile[] = {
  { "empty.jpg", PD_PHOTO_IMAGE_ERROR_UNREADABLE },
  { "truncated.jpg", PD_PHOTO_IMAGE_ERROR_UNREADABLE },
  { "header-only.jpg", PD_PHOTO_IMAGE_ERROR_UNREADABLE },
  { "garbage.jpg", PD_PHOTO_IMAGE_ERROR_UNREADABLE },
  { "garbage.png", PD_PHOTO_IMAGE_ERROR_UNREADABLE },
  { "huge.png", PD_PHOTO_IMAGE_ERROR_TOO_LARGE },
  { "not-an-image.jpg", PD_PHOTO_IMAGE_ERROR_FORMAT },
};

static void
test_hostile_files (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      g_autofree char *path = testset_path (hostile[i].file);
      g_autoptr(GError) error = NULL;
      g_autoptr(GdkPixbuf) image = pd_photo_image_load_file (path, &error);

      g_test_message ("%s: %s", hostile[i].file, error ? error->message : "read");
      g_assert_null (image);
      g_assert_error (error, PD_PHOTO_IMAGE_ERROR, hostile[i].code);
    }
}

/* Every cut of a good JPEG and PNG is refused, and flipped bytes never crash the reader. */
/* WebP through Debian's webp-pixbuf-loader (build-aux/install-deps.sh installs it); formats
 * that no loader reads are named in the message. */
static void
test_webp_and_other_formats (void)
{
  g_autoptr(GdkPixbuf) base = load_variant ("base.png");
  g_autofree char *webp_path = g_build_filename (tmpdir, "base.webp", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) webp = NULL;
  g_autoptr(PdPhotoReport) report = NULL;
  static const guint8 heic[] = { 0, 0, 0, 24, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c', 0, 0, 0, 0 };
  g_autoptr(GBytes) heic_bytes = g_bytes_new_static (heic, sizeof heic);
  g_autoptr(GdkPixbuf) none = NULL;

  g_assert_true (gdk_pixbuf_save (base, webp_path, "webp", &error, "quality", "90", NULL));
  g_assert_no_error (error);
  webp = pd_photo_image_load_file (webp_path, &error);
  g_assert_no_error (error);
  report = pd_photo_analyze (model, tolerant, webp, PD_PHOTO_MODE_CAPTURE);
  g_assert_cmpuint (pd_photo_report_get_face_count (report), ==, 1);

  none = pd_photo_image_load_bytes (heic_bytes, &error);
  g_assert_null (none);
  g_assert_error (error, PD_PHOTO_IMAGE_ERROR, PD_PHOTO_IMAGE_ERROR_FORMAT);
  g_assert_nonnull (strstr (error->message, "HEIC"));
}

static void
test_cut_and_damaged (void)
{
  const char *files[] = { "base.jpg", "small.png" };

  for (guint f = 0; f < G_N_ELEMENTS (files); f++)
    {
      g_autofree char *path = testset_path (files[f]);
      g_autofree char *contents = NULL;
      gsize length;
      GRand *rand = g_rand_new_with_seed (42);

      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      for (guint step = 1; step < 40; step++)
        {
          g_autoptr(GBytes) cut = g_bytes_new_static (contents, length * step / 40);
          g_autoptr(GError) error = NULL;
          g_autoptr(GdkPixbuf) image = pd_photo_image_load_bytes (cut, &error);

          g_assert_null (image);
          g_assert_error (error, PD_PHOTO_IMAGE_ERROR, PD_PHOTO_IMAGE_ERROR_UNREADABLE);
        }
      for (guint round = 0; round < 30; round++)
        {
          g_autofree char *damaged = g_memdup2 (contents, length);
          g_autoptr(GBytes) bytes = NULL;
          g_autoptr(GError) error = NULL;
          g_autoptr(GdkPixbuf) image = NULL;

          for (guint k = 0; k < 8; k++)
            damaged[g_rand_int_range (rand, 0, (gint32) length)] ^= (char) g_rand_int_range (rand, 1, 256);
          bytes = g_bytes_new_static (damaged, length);
          image = pd_photo_image_load_bytes (bytes, &error);
          g_assert_true ((image == NULL) != (error == NULL));
        }
      g_rand_free (rand);
    }
}

static void
test_model_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdFaceModel) missing = pd_face_model_load ("/nonexistent/shape_predictor.dat", &error);
  g_autofree char *not_model = g_build_filename (tmpdir, "not-a-model.dat", NULL);
  g_autoptr(PdFaceModel) invalid = NULL;
  g_autofree char *resolved = NULL;

  g_assert_null (missing);
  g_assert_error (error, PD_FACE_ERROR, PD_FACE_ERROR_MODEL_MISSING);
  g_assert_nonnull (strstr (error->message, "libdlib-data"));
  g_assert_nonnull (strstr (error->message, "PASSDESK_FACE_MODEL"));
  g_clear_error (&error);

  g_assert_true (g_file_set_contents (not_model, "not a dlib model", -1, NULL));
  invalid = pd_face_model_load (not_model, &error);
  g_assert_null (invalid);
  g_assert_error (error, PD_FACE_ERROR, PD_FACE_ERROR_MODEL_INVALID);

  g_setenv ("PASSDESK_FACE_MODEL", not_model, TRUE);
  resolved = pd_face_model_resolve_path ("/from/profile.dat");
  g_assert_cmpstr (resolved, ==, not_model);
  g_unsetenv ("PASSDESK_FACE_MODEL");
  g_clear_pointer (&resolved, g_free);
  resolved = pd_face_model_resolve_path ("/from/profile.dat");
  g_assert_cmpstr (resolved, ==, "/from/profile.dat");
  g_clear_pointer (&resolved, g_free);
  resolved = pd_face_model_resolve_path (NULL);
  g_assert_cmpstr (resolved, ==, PD_FACE_DEFAULT_MODEL_PATH);
}

static void
test_profiles (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdPhotoProfile) portal = pd_photo_profile_load ("vn-portal-upload", &error);
  g_autoptr(PdPhotoProfile) bad = NULL;
  g_autoptr(PdPhotoProfile) none = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (strstr (portal->verified, "UNVERIFIED"));
  g_assert_cmpfloat (portal->output.jpeg_max_bytes, <, official->output.jpeg_max_bytes);
  g_assert_cmpfloat (official->output.width_px, ==, 472);
  g_assert_cmpfloat (official->output.height_px, ==, 709);

  bad = pd_photo_profile_new_from_data ("{\"id\": \"x\", \"name\": \"x\"}", -1, &error);
  g_assert_null (bad);
  g_assert_error (error, PD_PHOTO_PROFILE_ERROR, PD_PHOTO_PROFILE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "output.width_mm"));
  g_clear_error (&error);

  none = pd_photo_profile_load ("../etc/passwd", &error);
  g_assert_null (none);
  g_assert_error (error, PD_PHOTO_PROFILE_ERROR, PD_PHOTO_PROFILE_ERROR_NOT_FOUND);
}

/* Runs passdesk-cli with @args; returns its exit status and its standard output. */
static int
run_cli (char       **out,
         const char  *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  const char *arg;
  va_list args;
  int status;

  g_ptr_array_add (argv, (gpointer) g_getenv ("PASSDESK_CLI"));
  va_start (args, first);
  for (arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               out, &err, &status, &error));
  g_assert_no_error (error);
  g_test_message ("stderr: %s", err);
  /* No crash, no critical, no leaked debug noise: a clean exit with a code. */
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static JsonObject *
parse_object (JsonParser *parser,
              const char *text)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  return json_node_get_object (json_parser_get_root (parser));
}

static void
test_cli (void)
{
  g_autofree char *base = testset_path ("base.png");
  g_autofree char *output = g_build_filename (tmpdir, "standard.jpg", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;

  {
    g_autofree char *out = NULL;

    g_assert_cmpint (run_cli (&out, "photo", "check", base, NULL), ==, 1);
    root = parse_object (parser, out);
    g_assert_false (json_object_get_boolean_member (root, "compliant"));
    g_assert_cmpint (json_object_get_int_member (root, "face_count"), ==, 1);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "checks")), ==, 15);
  }
  {
    g_autofree char *out = NULL;

    g_assert_cmpint (run_cli (&out, "photo", "check", "--profile", tolerant_path, base, NULL), ==, 0);
    root = parse_object (parser, out);
    g_assert_true (json_object_get_boolean_member (root, "compliant"));
  }
  {
    g_autofree char *out = NULL;

    g_assert_cmpint (run_cli (&out, "photo", "fix", "--profile", tolerant_path, base,
                              "--output", output, NULL), ==, 0);
    root = parse_object (parser, out);
    g_assert_true (json_object_get_boolean_member (root, "compliant"));
    g_assert_cmpstr (json_object_get_string_member (root, "output"), ==, output);
    g_assert_true (json_object_has_member (root, "source"));
    g_assert_true (g_file_test (output, G_FILE_TEST_IS_REGULAR));
  }
  {
    g_autofree char *out = NULL;

    g_assert_cmpint (run_cli (&out, "photo", "check", "--final", "--profile", tolerant_path,
                              output, NULL), ==, 0);
  }
  {
    g_autofree char *out = NULL;
    g_autofree char *no_face = testset_path ("no-face.png");

    g_assert_cmpint (run_cli (&out, "photo", "check", no_face, NULL), ==, 1);
    root = parse_object (parser, out);
    g_assert_cmpint (json_object_get_int_member (root, "face_count"), ==, 0);
  }
  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *path = testset_path (hostile[i].file);

      g_assert_cmpint (run_cli (&out, "photo", "check", path, NULL), ==, 2);
    }
  {
    g_autofree char *out = NULL;

    g_assert_cmpint (run_cli (&out, "photo", "check", "/nonexistent.jpg", NULL), ==, 2);
    g_assert_cmpint (run_cli (&out, "photo", "fix", base, NULL), ==, 2);
    g_assert_cmpint (run_cli (&out, "photo", "check", "--profile", "no-such-profile", base, NULL), ==, 2);
  }
  {
    g_autofree char *out = NULL;

    g_setenv ("PASSDESK_FACE_MODEL", "/nonexistent/model.dat", TRUE);
    g_assert_cmpint (run_cli (&out, "photo", "check", base, NULL), ==, 2);
    g_unsetenv ("PASSDESK_FACE_MODEL");
  }
}

static void
on_model_loaded (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  gboolean *done = user_data;

  model = pd_face_model_load_finish (result, &error);
  g_assert_no_error (error);
  *done = TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *changed = NULL;
  g_autofree char *model_path = NULL;
  gboolean done = FALSE;
  int status;

  pd_test_init (&argc, &argv);
  g_assert_nonnull (g_getenv ("PASSDESK_PHOTO_TESTSET"));
  tmpdir = pd_test_make_tmpdir ();

  official = pd_photo_profile_load ("vn-passport", &error);
  g_assert_no_error (error);

  /* The tolerant profile: the official file with one number changed. */
  {
    g_autofree char *path = g_build_filename (g_getenv ("PASSDESK_DATA_DIR"), "photo-standards",
                                              "vn-passport.json", NULL);
    g_autoptr(GRegex) regex = g_regex_new ("\"mouth_gap_max\": [0-9.]+", 0, 0, NULL);

    g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
    changed = g_regex_replace_literal (regex, contents, -1, 0, "\"mouth_gap_max\": 0.2", 0, NULL);
    g_assert_cmpstr (changed, !=, contents);
    tolerant_path = g_build_filename (tmpdir, "smile-tolerant.json", NULL);
    g_assert_true (g_file_set_contents (tolerant_path, changed, -1, NULL));
    tolerant = pd_photo_profile_new_from_file (tolerant_path, &error);
    g_assert_no_error (error);
  }

  /* The model loads in a worker thread, as the app does. */
  model_path = pd_face_model_resolve_path (official->model_path);
  pd_face_model_load_async (model_path, NULL, on_model_loaded, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);

  g_test_add_func ("/photo/variants", test_variants);
  g_test_add_func ("/photo/official-profile-refuses-smile", test_official_profile_refuses_smile);
  g_test_add_func ("/photo/values-and-limits", test_values_and_limits);
  g_test_add_func ("/photo/preview-frame", test_preview_frame);
  g_test_add_func ("/photo/standard-crop", test_standard_crop);
  g_test_add_func ("/photo/crop-leaves-grey-background", test_crop_leaves_grey_background);
  g_test_add_func ("/photo/crop-refused", test_crop_refused);
  g_test_add_func ("/photo/final-mode-on-uncropped", test_final_mode_on_uncropped);
  g_test_add_func ("/photo/jpeg-size-limit", test_jpeg_size_limit);
  g_test_add_func ("/photo/hostile-files", test_hostile_files);
  g_test_add_func ("/photo/cut-and-damaged", test_cut_and_damaged);
  g_test_add_func ("/photo/webp-and-other-formats", test_webp_and_other_formats);
  g_test_add_func ("/photo/model-errors", test_model_errors);
  g_test_add_func ("/photo/profiles", test_profiles);
  g_test_add_func ("/photo/cli", test_cli);
  status = g_test_run ();

  pd_face_model_free (model);
  pd_photo_profile_unref (official);
  pd_photo_profile_unref (tolerant);
  g_free (tolerant_path);
  g_free (tmpdir);
  return status;
}
