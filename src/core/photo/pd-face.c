/* pd-face.c: where the face models are, loading them in a worker thread, comparing descriptors. */
#define G_LOG_DOMAIN "pd-face"

#include "config.h"

#include <math.h>

#include "pd-face.h"

char *
pd_face_model_resolve_path (const char *configured)
{
  const char *from_env = g_getenv ("PASSDESK_FACE_MODEL");

  if (from_env != NULL && *from_env != '\0')
    return g_strdup (from_env);
  if (configured != NULL && *configured != '\0')
    return g_strdup (configured);
  return g_strdup (PD_FACE_DEFAULT_MODEL_PATH);
}

/* models/@file in the first data directory that has it: PASSDESK_DATA_DIR, the installed one,
 * the source tree's; else where an installed Passdesk has it, so that an error names the
 * expected place. */
static char *
find_model (const char *file)
{
  const char *data_env = g_getenv ("PASSDESK_DATA_DIR");
  const char *directories[] = {
    data_env != NULL && *data_env != '\0' ? data_env : NULL,
    PKGDATADIR,
    SOURCE_DATADIR,
  };

  for (guint i = 0; i < G_N_ELEMENTS (directories); i++)
    {
      g_autofree char *path = NULL;

      if (directories[i] == NULL)
        continue;
      path = g_build_filename (directories[i], "models", file, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&path);
    }
  return g_build_filename (PKGDATADIR, "models", file, NULL);
}

char *
pd_face_detector_resolve_path (void)
{
  const char *from_env = g_getenv ("PASSDESK_FACE_DETECTOR_MODEL");

  if (from_env != NULL && *from_env != '\0')
    return g_strdup (from_env);
  return find_model (PD_FACE_DETECTOR_MODEL_FILE);
}

char *
pd_face_recognizer_resolve_path (void)
{
  const char *from_env = g_getenv ("PASSDESK_FACE_RECOGNIZER_MODEL");

  if (from_env != NULL && *from_env != '\0')
    return g_strdup (from_env);
  return find_model (PD_FACE_RECOGNIZER_MODEL_FILE);
}

static void
load_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GError *error = NULL;
  PdFaceModel *model = pd_face_model_load (task_data, &error);

  if (model == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, model, (GDestroyNotify) pd_face_model_free);
}

void
pd_face_model_load_async (const char          *path,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (path != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, pd_face_model_load_async);
  g_task_set_task_data (task, g_strdup (path), g_free);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, load_in_thread);
}

PdFaceModel *
pd_face_model_load_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
pd_face_compare (const PdFaceDescriptor *a,
                 const PdFaceDescriptor *b,
                 double                  threshold,
                 double                 *distance)
{
  double sum = 0;

  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  for (int i = 0; i < PD_FACE_DESCRIPTOR_SIZE; i++)
    sum += ((double) a->values[i] - b->values[i]) * ((double) a->values[i] - b->values[i]);
  if (distance != NULL)
    *distance = sqrt (sum);
  return sqrt (sum) < threshold;
}
