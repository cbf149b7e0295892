/* test-face-match.c: the face match on real faces (tests/photo/real), every pair of people,
 * through the core API, its async form and `passdesk-cli photo compare`.
 *
 * Same-person pairs must come out nearer than the profile's threshold and different people
 * farther: all 253 pairs do (README.md, "Face match on real faces"). The margins are thin
 * (same person up to 0.518, fr-alex-lacamoire/fr-alex2; different people from 0.624,
 * fp-angelina/fp-kate-siegel), so a change to the alignment or the detector shows here.
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <sys/wait.h>
#include <glib/gstdio.h>

#include "pd-face-match.h"
#include "pd-photo-image.h"
#include "pd-test-support.h"

static PdFaceModel *model;
static PdPhotoProfile *profile;

/* One person per row. Left out: fr-two-people (two people), fr-obama-partial* (half a face). */
static const char *const people[][5] = {
  { "fr-biden.jpg", "fr-biden2.jpg" },
  { "fr-obama.jpg", "fr-obama2.jpg", "fr-obama3.jpg", "fr-obama-small.jpg" },
  { "fr-kit1.jpg", "fr-kit2.jpg" },
  { "fr-alex-lacamoire.png", "fr-alex2.jpg" },
  { "fr-rose1.jpg", "fr-rose2.jpg" },
  { "of-clapton1.jpg", "of-clapton2.jpg" },
  { "of-lennon1.jpg", "of-lennon2.jpg" },
  { "fp-angelina.jpg" },
  { "fp-kate-siegel.jpg" },
  { "fp-paul-rudd.jpg" },
  { "fp-shea-whigham.jpg" },
  { "fr-lin-manuel-miranda.png" },
  { "of-adams.jpg" },
  { "of-carell.jpg" },
};

static void
result_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static char *
real_path (const char *file)
{
  return g_test_build_filename (G_TEST_DIST, "photo", "real", file, NULL);
}

typedef struct {
  const char       *file;
  guint             person;
  PdFaceDescriptor  descriptor;
} Photo;

static void
test_real_pairs (void)
{
  g_autoptr(GArray) photos = g_array_new (FALSE, TRUE, sizeof (Photo));
  double same_min = HUGE_VAL, same_max = 0, other_min = HUGE_VAL, other_max = 0;
  guint same_right = 0, same_total = 0, other_right = 0, other_total = 0;
  double threshold = profile->match.distance_max;

  for (guint p = 0; p < G_N_ELEMENTS (people); p++)
    for (guint i = 0; i < G_N_ELEMENTS (people[p]) && people[p][i] != NULL; i++)
      {
        g_autofree char *path = real_path (people[p][i]);
        g_autoptr(GError) error = NULL;
        g_autoptr(GdkPixbuf) image = pd_photo_image_load_file (path, &error);
        Photo photo = { people[p][i], p };

        g_assert_no_error (error);
        pd_face_describe_image (model, profile, image, &photo.descriptor, &error);
        g_assert_no_error (error);
        g_array_append_val (photos, photo);
      }

  for (guint i = 0; i < photos->len; i++)
    for (guint j = i + 1; j < photos->len; j++)
      {
        const Photo *a = &g_array_index (photos, Photo, i), *b = &g_array_index (photos, Photo, j);
        gboolean same = a->person == b->person;
        double distance;
        gboolean judged_same = pd_face_compare (&a->descriptor, &b->descriptor, threshold, &distance);

        g_assert_true (distance >= 0 && distance < 2);
        if (same)
          {
            same_total++;
            same_right += judged_same;
            same_min = MIN (same_min, distance);
            same_max = MAX (same_max, distance);
          }
        else
          {
            other_total++;
            other_right += !judged_same;
            other_min = MIN (other_min, distance);
            other_max = MAX (other_max, distance);
          }
        g_test_message ("%s %s %.3f", a->file, b->file, distance);
      }

  /* Printed on standard output so that the figures show without --verbose. */
  g_print ("# same person judged same: %u / %u, distances %.3f–%.3f\n",
           same_right, same_total, same_min, same_max);
  g_print ("# different people judged different: %u / %u, distances %.3f–%.3f\n",
           other_right, other_total, other_min, other_max);
  g_assert_cmpuint (same_total, ==, 12);
  g_assert_cmpuint (other_total, ==, 241);
  g_assert_cmpuint (same_right, ==, same_total);
  g_assert_cmpuint (other_right, ==, other_total);
}

/* A comparison in a worker gives what the blocking one does, and says which photo has no face. */
static void
test_files_async (void)
{
  g_autofree char *obama = real_path ("fr-obama.jpg");
  g_autofree char *obama2 = real_path ("fr-obama2.jpg");
  g_autofree char *adams = real_path ("of-adams.jpg");
  g_autofree char *blank_path = g_build_filename (g_get_tmp_dir (), "pd-face-blank.png", NULL);
  g_autoptr(GdkPixbuf) blank = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 320, 240);
  g_autoptr(GFile) a = g_file_new_for_path (obama);
  g_autoptr(GFile) b = g_file_new_for_path (obama2);
  g_autoptr(GFile) c = g_file_new_for_path (adams);
  g_autoptr(GFile) none = g_file_new_for_path (blank_path);
  g_autoptr(GError) error = NULL;
  GFile *pairs[][2] = { { a, b }, { a, c }, { a, none }, { none, c } };

  gdk_pixbuf_fill (blank, 0xf0f0f0ff);
  gdk_pixbuf_save (blank, blank_path, "png", &error, NULL);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) async_error = NULL;
      g_autoptr(GError) sync_error = NULL;
      PdFaceMatch match = { 0 }, sync_match = { 0 };
      gboolean done, sync_done;

      pd_face_compare_files_async (model, profile, pairs[i][0], pairs[i][1], NULL,
                                   result_cb, &result);
      while (result == NULL)
        g_main_context_iteration (NULL, TRUE);
      done = pd_face_compare_files_finish (result, &match, &async_error);
      sync_done = pd_face_compare_files (model, profile, pairs[i][0], pairs[i][1], &sync_match, &sync_error);
      g_assert_cmpint (done, ==, sync_done);
      if (i < 2)
        {
          g_assert_no_error (async_error);
          g_assert_cmpint (match.same_person, ==, i == 0);
          g_assert_cmpfloat (match.threshold, ==, 0.6);
          g_assert_cmpfloat (match.distance, ==, sync_match.distance);
        }
      else
        {
          int code = i == 2 ? PD_FACE_ERROR_NO_FACE_SECOND : PD_FACE_ERROR_NO_FACE_FIRST;

          g_assert_error (async_error, PD_FACE_ERROR, code);
          g_assert_nonnull (strstr (async_error->message, "pd-face-blank.png"));
        }
    }
  g_unlink (blank_path);
}

/* `photo compare A B --json`: the verdict on stdout, exit 0 either way; exit 2 naming the file
 * without a face. */
static void
test_cli (void)
{
  const char *cli = g_getenv ("PASSDESK_CLI");
  g_autofree char *kit1 = real_path ("fr-kit1.jpg");
  g_autofree char *kit2 = real_path ("fr-kit2.jpg");
  g_autofree char *carell = real_path ("of-carell.jpg");
  g_autofree char *blank_path = g_build_filename (g_get_tmp_dir (), "pd-face-none.png", NULL);
  g_autoptr(GdkPixbuf) blank = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 320, 240);
  g_autoptr(GError) error = NULL;
  const char *second[] = { kit2, carell };

  g_assert_nonnull (cli);
  for (guint i = 0; i < G_N_ELEMENTS (second); i++)
    {
      const char *argv[] = { cli, "photo", "compare", kit1, second[i], "--json", NULL };
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *object;
      int status;

      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
      g_assert_no_error (error);
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      json_parser_load_from_data (parser, out, -1, &error);
      g_assert_no_error (error);
      object = json_node_get_object (json_parser_get_root (parser));
      g_assert_cmpint (json_object_get_boolean_member (object, "same_person"), ==, i == 0);
      g_assert_cmpfloat (json_object_get_double_member (object, "threshold"), ==, 0.6);
      if (i == 0)
        g_assert_cmpfloat (json_object_get_double_member (object, "distance"), <, 0.6);
      else
        g_assert_cmpfloat (json_object_get_double_member (object, "distance"), >=, 0.6);
    }

  gdk_pixbuf_fill (blank, 0x202020ff);
  gdk_pixbuf_save (blank, blank_path, "png", &error, NULL);
  g_assert_no_error (error);
  {
    const char *argv[] = { cli, "photo", "compare", kit1, blank_path, "--json", NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int status;

    g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
    g_assert_no_error (error);
    g_assert_true (WIFEXITED (status));
    g_assert_cmpint (WEXITSTATUS (status), ==, 2);
    g_assert_cmpstr (out, ==, "");
    g_assert_nonnull (strstr (err, "pd-face-none.png"));
  }
  g_unlink (blank_path);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *model_path = NULL;
  int status;

  pd_test_init (&argc, &argv);
  profile = pd_photo_profile_load ("vn-passport", &error);
  g_assert_no_error (error);
  model_path = pd_face_model_resolve_path (profile->model_path);
  model = pd_face_model_load (model_path, &error);
  g_assert_no_error (error);
  pd_face_model_load_recognizer (model, &error);
  g_assert_no_error (error);

  g_test_add_func ("/face-match/real-pairs", test_real_pairs);
  g_test_add_func ("/face-match/files-async", test_files_async);
  g_test_add_func ("/face-match/cli", test_cli);
  status = g_test_run ();

  pd_face_model_free (model);
  pd_photo_profile_unref (profile);
  return status;
}
