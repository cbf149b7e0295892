/* pd-face-match.c: comparing the main faces of two photos, and auditing the officer's decision. */
#define G_LOG_DOMAIN "pd-face"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "pd-background.h"
#include "pd-face-match.h"
#include "pd-photo-image.h"
#include "pd-photo-private.h"

gboolean
pd_face_describe_image (PdFaceModel      *model,
                        PdPhotoProfile   *profile,
                        GdkPixbuf        *image,
                        PdFaceDescriptor *descriptor,
                        GError          **error)
{
  g_autoptr(GArray) faces = NULL;
  g_autofree guint8 *packed = NULL;
  const PdFace *main_face = NULL;
  int width, height, channels, stride;
  const guint8 *pixels;
  PdRgbImage rgb;

  g_return_val_if_fail (model != NULL && profile != NULL && GDK_IS_PIXBUF (image), FALSE);
  g_return_val_if_fail (descriptor != NULL, FALSE);

  /* First as on a preview frame: a picture of up to 640 × 480 is searched at its own size, not
   * doubled, which costs a quarter; only where that finds nothing, as on a still (doubled, then
   * the CNN). */
  faces = pd_photo_find_faces (model, profile, image, PD_PHOTO_MODE_PREVIEW);
  if (faces->len == 0)
    {
      g_array_unref (faces);
      faces = pd_photo_find_faces (model, profile, image, PD_PHOTO_MODE_CAPTURE);
    }
  /* Someone behind the person at the counter is smaller in the picture. */
  for (guint i = 0; i < faces->len; i++)
    {
      const PdFace *face = &g_array_index (faces, PdFace, i);

      if (main_face == NULL ||
          (face->right - face->left) * (face->bottom - face->top) >
          (main_face->right - main_face->left) * (main_face->bottom - main_face->top))
        main_face = face;
    }
  if (main_face == NULL)
    {
      g_set_error_literal (error, PD_FACE_ERROR, PD_FACE_ERROR_NO_FACE,
                           _("No face was found in the photo. Use a photo where the face is "
                             "clearly visible and turned to the camera."));
      return FALSE;
    }

  width = gdk_pixbuf_get_width (image);
  height = gdk_pixbuf_get_height (image);
  channels = gdk_pixbuf_get_n_channels (image);
  stride = gdk_pixbuf_get_rowstride (image);
  pixels = gdk_pixbuf_read_pixels (image);
  if (channels == 3)
    rgb = (PdRgbImage) { pixels, width, height, stride };
  else
    {
      /* Alpha is ignored, as the detector ignores it. */
      packed = g_malloc ((gsize) width * height * 3);
      for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
          memcpy (packed + ((gsize) y * width + x) * 3, pixels + (gsize) y * stride + (gsize) x * channels, 3);
      rgb = (PdRgbImage) { packed, width, height, width * 3 };
    }
  return pd_face_model_describe (model, &rgb, main_face, descriptor, error);
}

typedef struct {
  PdFaceModel      *model;
  PdPhotoProfile   *profile;
  GdkPixbuf        *image;
  PdFaceDescriptor *descriptor;
  GError           *error;
  gboolean          done;
} Description;

static gpointer
describe_thread (gpointer data)
{
  Description *d = data;

  d->done = pd_face_describe_image (d->model, d->profile, d->image, d->descriptor, &d->error);
  return NULL;
}

/* @first_name and @second_name: how an error names each photo. */
static gboolean
compare (PdFaceModel    *model,
         PdPhotoProfile *profile,
         GdkPixbuf      *first,
         GdkPixbuf      *second,
         const char     *first_name,
         const char     *second_name,
         PdFaceMatch    *match,
         GError        **error)
{
  PdFaceDescriptor descriptors[2];
  Description descriptions[2];
  GThread *thread;

  /* Both photos at once, one on each core: the network takes most of the time (README,
   * Figures), and the model has a copy of it for each. */
  for (int i = 0; i < 2; i++)
    descriptions[i] = (Description) { model, profile, i == 0 ? first : second, &descriptors[i], NULL, FALSE };
  thread = g_thread_new ("pd-face-describe", describe_thread, &descriptions[0]);
  describe_thread (&descriptions[1]);
  g_thread_join (thread);

  for (int i = 0; i < 2; i++)
    {
      GError *local_error = descriptions[i].error;

      if (descriptions[i].done)
        continue;
      g_clear_error (&descriptions[1 - i].error);
      if (g_error_matches (local_error, PD_FACE_ERROR, PD_FACE_ERROR_NO_FACE))
        {
          g_clear_error (&local_error);
          g_set_error (error, PD_FACE_ERROR, i == 0 ? PD_FACE_ERROR_NO_FACE_FIRST : PD_FACE_ERROR_NO_FACE_SECOND,
                       _("No face was found in %s. Use a photo where the face is clearly visible "
                         "and turned to the camera."), i == 0 ? first_name : second_name);
          return FALSE;
        }
      g_propagate_error (error, local_error);
      return FALSE;
    }

  match->threshold = profile->match.distance_max;
  match->same_person = pd_face_compare (&descriptors[0], &descriptors[1], match->threshold,
                                        &match->distance);
  return TRUE;
}

gboolean
pd_face_compare_images (PdFaceModel    *model,
                        PdPhotoProfile *profile,
                        GdkPixbuf      *first,
                        GdkPixbuf      *second,
                        PdFaceMatch    *match,
                        GError        **error)
{
  g_return_val_if_fail (model != NULL && profile != NULL, FALSE);
  g_return_val_if_fail (GDK_IS_PIXBUF (first) && GDK_IS_PIXBUF (second) && match != NULL, FALSE);

  return compare (model, profile, first, second,
                  _("the first photo"), _("the second photo"), match, error);
}

static GdkPixbuf *
load_file (GFile   *file,
           GError **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *name = g_file_get_parse_name (file);
  g_autoptr(GError) local_error = NULL;
  GdkPixbuf *image;

  bytes = g_file_load_bytes (file, NULL, NULL, &local_error);
  if (bytes == NULL)
    {
      g_set_error (error, PD_PHOTO_IMAGE_ERROR, PD_PHOTO_IMAGE_ERROR_UNREADABLE,
                   _("Cannot read the photo “%s”: %s"), name, local_error->message);
      return NULL;
    }
  image = pd_photo_image_load_bytes (bytes, &local_error);
  if (image == NULL)
    g_set_error (error, local_error->domain, local_error->code,
                 _("Cannot use the photo “%s”: %s"), name, local_error->message);
  return image;
}

gboolean
pd_face_compare_files (PdFaceModel    *model,
                       PdPhotoProfile *profile,
                       GFile          *first,
                       GFile          *second,
                       PdFaceMatch    *match,
                       GError        **error)
{
  g_autoptr(GdkPixbuf) first_image = NULL;
  g_autoptr(GdkPixbuf) second_image = NULL;
  g_autofree char *first_name = NULL;
  g_autofree char *second_name = NULL;
  g_autofree char *first_quoted = NULL;
  g_autofree char *second_quoted = NULL;

  g_return_val_if_fail (model != NULL && profile != NULL, FALSE);
  g_return_val_if_fail (G_IS_FILE (first) && G_IS_FILE (second) && match != NULL, FALSE);

  first_image = load_file (first, error);
  if (first_image == NULL)
    return FALSE;
  second_image = load_file (second, error);
  if (second_image == NULL)
    return FALSE;

  first_name = g_file_get_parse_name (first);
  second_name = g_file_get_parse_name (second);
  /* TRANSLATORS: a file name in quotes, within "No face was found in %s." */
  first_quoted = g_strdup_printf (_("“%s”"), first_name);
  second_quoted = g_strdup_printf (_("“%s”"), second_name);
  return compare (model, profile, first_image, second_image, first_quoted, second_quoted,
                  match, error);
}

typedef struct {
  PdFaceModel    *model;
  PdPhotoProfile *profile;
  GObject        *first;    /* GdkPixbuf or GFile */
  GObject        *second;
} Comparison;

static void
comparison_free (Comparison *comparison)
{
  g_clear_pointer (&comparison->profile, pd_photo_profile_unref);
  g_clear_object (&comparison->first);
  g_clear_object (&comparison->second);
  g_free (comparison);
}

static void
compare_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Comparison *c = task_data;
  PdFaceMatch match;
  GError *error = NULL;
  gboolean done;

  if (GDK_IS_PIXBUF (c->first))
    done = pd_face_compare_images (c->model, c->profile, GDK_PIXBUF (c->first),
                                   GDK_PIXBUF (c->second), &match, &error);
  else
    done = pd_face_compare_files (c->model, c->profile, G_FILE (c->first), G_FILE (c->second),
                                  &match, &error);
  if (done)
    g_task_return_pointer (task, g_memdup2 (&match, sizeof match), g_free);
  else
    g_task_return_error (task, error);
}

static void
compare_async (PdFaceModel         *model,
               PdPhotoProfile      *profile,
               GObject             *first,
               GObject             *second,
               gpointer             source_tag,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  Comparison *c = g_new0 (Comparison, 1);

  c->model = model;
  c->profile = pd_photo_profile_ref (profile);
  c->first = g_object_ref (first);
  c->second = g_object_ref (second);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, c, (GDestroyNotify) comparison_free);
  pd_background_run_task (task, compare_thread);
}

static gboolean
compare_finish (GAsyncResult  *result,
                gpointer       source_tag,
                PdFaceMatch   *match,
                GError       **error)
{
  g_autofree PdFaceMatch *found = NULL;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);

  found = g_task_propagate_pointer (G_TASK (result), error);
  if (found == NULL)
    return FALSE;
  if (match != NULL)
    *match = *found;
  return TRUE;
}

void
pd_face_compare_images_async (PdFaceModel         *model,
                              PdPhotoProfile      *profile,
                              GdkPixbuf           *first,
                              GdkPixbuf           *second,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (model != NULL && profile != NULL);
  g_return_if_fail (GDK_IS_PIXBUF (first) && GDK_IS_PIXBUF (second));

  compare_async (model, profile, G_OBJECT (first), G_OBJECT (second),
                 pd_face_compare_images_async, cancellable, callback, user_data);
}

gboolean
pd_face_compare_images_finish (GAsyncResult  *result,
                               PdFaceMatch   *match,
                               GError       **error)
{
  return compare_finish (result, pd_face_compare_images_async, match, error);
}

void
pd_face_compare_files_async (PdFaceModel         *model,
                             PdPhotoProfile      *profile,
                             GFile               *first,
                             GFile               *second,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (model != NULL && profile != NULL);
  g_return_if_fail (G_IS_FILE (first) && G_IS_FILE (second));

  compare_async (model, profile, G_OBJECT (first), G_OBJECT (second),
                 pd_face_compare_files_async, cancellable, callback, user_data);
}

gboolean
pd_face_compare_files_finish (GAsyncResult  *result,
                              PdFaceMatch   *match,
                              GError       **error)
{
  return compare_finish (result, pd_face_compare_files_async, match, error);
}

JsonNode *
pd_face_match_to_json (const PdFaceMatch *match)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (match != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "same_person");
  json_builder_add_boolean_value (builder, match->same_person);
  json_builder_set_member_name (builder, "distance");
  json_builder_add_double_value (builder, match->distance);
  json_builder_set_member_name (builder, "threshold");
  json_builder_add_double_value (builder, match->threshold);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

gboolean
pd_face_match_audit (PdStore           *store,
                     const char        *actor,
                     const char        *subject,
                     gboolean           same_person,
                     const PdFaceMatch *advice,
                     GError           **error)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *detail = NULL;

  g_return_val_if_fail (PD_IS_STORE (store), FALSE);

  /* The advice beside the decision: a review sees where the officer overruled the software,
   * and where there was none to follow (a photo without a face, judged by eye). */
  if (advice != NULL)
    node = pd_face_match_to_json (advice);
  else
    {
      node = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (node, json_object_new ());
      json_object_set_null_member (json_node_get_object (node), "same_person");
    }
  json_generator_set_root (generator, node);
  detail = json_generator_to_data (generator, NULL);
  return pd_store_audit (store, actor, same_person ? "face-match-confirmed" : "face-match-refused",
                         subject, detail, error);
}
