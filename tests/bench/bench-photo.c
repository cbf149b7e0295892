/* bench-photo.c: the photo checks at the speeds the counter needs.
 *
 *   meson test -C BUILD --benchmark bench-photo -v
 *   BUILD/tests/bench/bench-photo BUILD/tests/photo/testset [RUNS]
 *
 * Measures, as medians over RUNS (default 7): loading the face model and the CNN detector;
 * analysing a 640 × 480 preview frame (target 50 ms, so that two cores give live feedback at
 * 10+ frames a second); decoding, checking, cropping and encoding a 12-megapixel JPEG still
 * (target 600 ms); decoding and checking a 12-megapixel still with no face, where the CNN
 * detector looks after HOG (the slowest still, same target); and the peak RSS. The preview is the test set's white-background portrait and the still its
 * original studio picture (textured background, so the JPEG decodes at a realistic cost), each
 * scaled so that the face takes the share of the frame it takes at a counter. Exits 1 when a
 * target is missed.
 */
#include "config.h"

#include <stdlib.h>
#include <time.h>
#include <sys/resource.h>

#include "pd-photo.h"
#include "pd-photo-image.h"

#define DEFAULT_RUNS        7
#define PREVIEW_TARGET_MS   50.0
#define STILL_TARGET_MS     600.0
#define LOAD_TARGET_MS      2000.0

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof (double), compare_doubles);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

static double
now_ms (void)
{
  return g_get_monotonic_time () / 1000.0;
}

/* This thread's CPU time: on a loaded machine the wall time says more about the others. */
static double
cpu_ms (void)
{
  struct timespec t;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec * 1000.0 + t.tv_nsec / 1e6;
}

/* @source scaled to @height and centred on a white @width × @height frame. */
static GdkPixbuf *
make_frame (GdkPixbuf *source,
            int        width,
            int        height)
{
  int side = MIN (width, height);
  g_autoptr(GdkPixbuf) scaled = gdk_pixbuf_scale_simple (source, side, side, GDK_INTERP_BILINEAR);
  GdkPixbuf *frame = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);

  gdk_pixbuf_fill (frame, 0xffffffff);
  gdk_pixbuf_copy_area (scaled, 0, 0, side, side, frame, (width - side) / 2, (height - side) / 2);
  return frame;
}

static gboolean
report_line (const char *what,
             double      value,
             double      target)
{
  g_print ("%-44s %8.1f ms  (target %.0f ms: %s)\n", what, value, target,
           value <= target ? "met" : "MISSED");
  return value <= target;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PdPhotoProfile) profile = NULL;
  g_autoptr(PdFaceModel) model = NULL;
  g_autoptr(GdkPixbuf) base = NULL;
  g_autoptr(GdkPixbuf) original = NULL;
  g_autoptr(GdkPixbuf) preview = NULL;
  g_autoptr(GdkPixbuf) still = NULL;
  g_autoptr(GBytes) still_jpeg = NULL;
  g_autofree char *base_path = NULL;
  g_autofree char *original_path = NULL;
  g_autofree char *model_path = NULL;
  g_autofree double *load_ms = NULL, *preview_ms = NULL, *pose_ms = NULL, *empty_ms = NULL, *still_ms = NULL, *decode_ms = NULL;
  g_autofree double *analyze_ms = NULL, *crop_ms = NULL, *cnn_load_ms = NULL, *empty_still_ms = NULL;
  g_autofree double *empty_still_cpu = NULL, *hog_still_cpu = NULL, *still_cpu = NULL, *preview_cpu = NULL;
  g_autoptr(PdPhotoProfile) hog_only = NULL;
  g_autoptr(GdkPixbuf) blank = NULL;
  guint runs = DEFAULT_RUNS;
  gboolean ok = TRUE;
  struct rusage usage;

  if (argc < 2)
    {
      g_printerr ("Usage: %s TESTSET-DIRECTORY [RUNS]\n", argv[0]);
      return 2;
    }
  if (argc > 2)
    runs = CLAMP (atoi (argv[2]), 1, 1000);

  profile = pd_photo_profile_load ("vn-passport", &error);
  if (profile == NULL)
    g_error ("%s", error->message);
  base_path = g_build_filename (argv[1], "base.png", NULL);
  base = pd_photo_image_load_file (base_path, &error);
  if (base == NULL)
    g_error ("%s", error->message);
  original_path = g_build_filename (argv[1], "original.png", NULL);
  original = pd_photo_image_load_file (original_path, &error);
  if (original == NULL)
    g_error ("%s", error->message);
  model_path = pd_face_model_resolve_path (profile->model_path);

  load_ms = g_new (double, runs);
  for (guint i = 0; i < runs && i < 3; i++)
    {
      double start = now_ms ();

      g_clear_pointer (&model, pd_face_model_free);
      model = pd_face_model_load (model_path, &error);
      if (model == NULL)
        g_error ("%s", error->message);
      load_ms[i] = now_ms () - start;
    }
  /* The CNN detector loads on the first still HOG finds no face in; each model once. */
  cnn_load_ms = g_new (double, runs);
  for (guint i = 0; i < runs && i < 3; i++)
    {
      g_autoptr(PdFaceModel) fresh = pd_face_model_load (model_path, &error);
      double start;

      if (fresh == NULL)
        g_error ("%s", error->message);
      start = now_ms ();
      if (!pd_face_model_load_cnn (fresh))
        g_error ("The CNN face detector did not load");
      cnn_load_ms[i] = now_ms () - start;
    }

  preview = make_frame (base, 640, 480);
  preview_ms = g_new (double, runs * 4);
  preview_cpu = g_new (double, runs * 4);
  for (guint i = 0; i < runs * 4; i++)
    {
      double start = now_ms (), start_cpu = cpu_ms ();
      g_autoptr(PdPhotoReport) report = pd_photo_analyze (model, profile, preview, PD_PHOTO_MODE_PREVIEW);

      preview_ms[i] = now_ms () - start;
      preview_cpu[i] = cpu_ms () - start_cpu;
      if (pd_photo_report_get_face_count (report) != 1)
        g_error ("No face in the preview frame");
    }

  /* The head pose fit alone, on the preview's landmarks: what the 3-D fit adds to each frame. */
  {
    g_autoptr(PdPhotoReport) report = pd_photo_analyze (model, profile, preview, PD_PHOTO_MODE_PREVIEW);
    const PdFace *face = pd_photo_report_get_face (report);

    pose_ms = g_new (double, runs * 4);
    for (guint i = 0; i < runs * 4; i++)
      {
        double start = now_ms ();
        PdFacePose pose;

        if (!pd_face_estimate_pose (face, 640, 480, &pose))
          g_error ("The head pose fit failed on the preview frame");
        pose_ms[i] = now_ms () - start;
      }
  }

  /* An empty chair: no face, so the picture's own checks run instead. */
  {
    g_autoptr(GdkPixbuf) empty = gdk_pixbuf_scale_simple (original, 640, 480, GDK_INTERP_BILINEAR);

    blank = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 640, 480);
    /* The studio backdrop without the person: its top-left corner, enlarged. */
    gdk_pixbuf_scale (empty, blank, 0, 0, 640, 480, 0, 0, 4, 4, GDK_INTERP_BILINEAR);
    empty_ms = g_new (double, runs * 4);
    for (guint i = 0; i < runs * 4; i++)
      {
        double start = now_ms ();
        g_autoptr(PdPhotoReport) report = pd_photo_analyze (model, profile, blank, PD_PHOTO_MODE_PREVIEW);

        empty_ms[i] = now_ms () - start;
        if (pd_photo_report_get_face_count (report) != 0)
          g_error ("A face in the empty frame");
      }
  }

  still = make_frame (original, 4000, 3000);
  still_jpeg = pd_photo_image_encode_jpeg (still, 92, 92, 0, G_MAXSIZE, 300, NULL, &error);
  if (still_jpeg == NULL)
    g_error ("%s", error->message);
  still_ms = g_new (double, runs);
  still_cpu = g_new (double, runs);
  decode_ms = g_new (double, runs);
  analyze_ms = g_new (double, runs);
  crop_ms = g_new (double, runs);
  for (guint i = 0; i < runs; i++)
    {
      double start = now_ms (), start_cpu = cpu_ms (), decoded, analysed;
      g_autoptr(GdkPixbuf) image = pd_photo_image_load_bytes (still_jpeg, &error);
      g_autoptr(PdPhotoReport) report = NULL;
      g_autoptr(GdkPixbuf) standard = NULL;
      g_autoptr(GBytes) jpeg = NULL;

      if (image == NULL)
        g_error ("%s", error->message);
      decoded = now_ms ();
      report = pd_photo_analyze (model, profile, image, PD_PHOTO_MODE_CAPTURE);
      analysed = now_ms ();
      standard = pd_photo_make_standard (profile, image, report, &error);
      if (standard == NULL)
        g_error ("%s", error->message);
      jpeg = pd_photo_image_encode_jpeg (standard, (int) profile->output.jpeg_quality_min,
                                         (int) profile->output.jpeg_quality_max, 0,
                                         (gsize) profile->output.jpeg_max_bytes,
                                         (int) profile->output.dpi, NULL, &error);
      if (jpeg == NULL)
        g_error ("%s", error->message);
      still_ms[i] = now_ms () - start;
      still_cpu[i] = cpu_ms () - start_cpu;
      decode_ms[i] = decoded - start;
      analyze_ms[i] = analysed - decoded;
      crop_ms[i] = now_ms () - analysed;
    }

  /* The empty chair in a still: HOG finds nothing, so the CNN detector looks too. */
  {
    g_autoptr(GdkPixbuf) big = gdk_pixbuf_scale_simple (blank, 4000, 3000, GDK_INTERP_BILINEAR);
    g_autoptr(GBytes) big_jpeg = pd_photo_image_encode_jpeg (big, 92, 92, 0, G_MAXSIZE, 300, NULL, &error);

    if (big_jpeg == NULL)
      g_error ("%s", error->message);
    /* The same without the CNN: the difference is what the CNN costs. */
    hog_only = pd_photo_profile_load ("vn-passport", &error);
    if (hog_only == NULL)
      g_error ("%s", error->message);
    hog_only->capture.cnn_detect_max_pixels = 0;
    empty_still_ms = g_new (double, runs);
    empty_still_cpu = g_new (double, runs);
    hog_still_cpu = g_new (double, runs);
    for (guint i = 0; i < runs; i++)
      {
        double start = now_ms (), start_cpu = cpu_ms ();
        g_autoptr(GdkPixbuf) image = pd_photo_image_load_bytes (big_jpeg, &error);
        g_autoptr(PdPhotoReport) report = NULL;
        g_autoptr(PdPhotoReport) hog_report = NULL;

        if (image == NULL)
          g_error ("%s", error->message);
        report = pd_photo_analyze (model, profile, image, PD_PHOTO_MODE_CAPTURE);
        empty_still_ms[i] = now_ms () - start;
        empty_still_cpu[i] = cpu_ms () - start_cpu;
        if (pd_photo_report_get_face_count (report) != 0)
          g_error ("A face in the empty still");
        start_cpu = cpu_ms ();
        hog_report = pd_photo_analyze (model, hog_only, image, PD_PHOTO_MODE_CAPTURE);
        hog_still_cpu[i] = cpu_ms () - start_cpu;
      }
  }

  g_print ("bench-photo: medians of %u runs (model load: %u)\n", runs, MIN (runs, 3));
  ok &= report_line ("model load", median (load_ms, MIN (runs, 3)), LOAD_TARGET_MS);
  ok &= report_line ("CNN detector load (first still HOG misses)", median (cnn_load_ms, MIN (runs, 3)),
                     LOAD_TARGET_MS);
  ok &= report_line ("640x480 preview frame, all checks", median (preview_ms, runs * 4), PREVIEW_TARGET_MS);
  g_print ("  CPU time %.1f ms; of which the head pose fit %.2f ms\n", median (preview_cpu, runs * 4),
           median (pose_ms, runs * 4));
  ok &= report_line ("640x480 preview frame with no face", median (empty_ms, runs * 4), PREVIEW_TARGET_MS);
  ok &= report_line ("12 MP JPEG still: decode, check, crop, encode", median (still_ms, runs), STILL_TARGET_MS);
  g_print ("  CPU time %.1f ms; of which decode %.1f ms, check %.1f ms, crop and encode %.1f ms\n",
           median (still_cpu, runs),
           median (decode_ms, runs), median (analyze_ms, runs), median (crop_ms, runs));
  ok &= report_line ("12 MP still with no face: decode, HOG, CNN", median (empty_still_ms, runs),
                     STILL_TARGET_MS);
  g_print ("  CPU time %.1f ms, of which checks without the CNN %.1f ms\n",
           median (empty_still_cpu, runs), median (hog_still_cpu, runs));
  getrusage (RUSAGE_SELF, &usage);
  g_print ("peak RSS %.1f MB\n", usage.ru_maxrss / 1024.0);

  return ok ? 0 : 1;
}
