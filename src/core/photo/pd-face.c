/* pd-face.c: where the face model is, and loading it in a worker thread. */
#define G_LOG_DOMAIN "pd-face"

#include "config.h"

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

char *
pd_face_detector_resolve_path (void)
{
  const char *from_env = g_getenv ("PASSDESK_FACE_DETECTOR_MODEL");
  const char *data_env = g_getenv ("PASSDESK_DATA_DIR");
  const char *directories[] = {
    data_env != NULL && *data_env != '\0' ? data_env : NULL,
    PKGDATADIR,
    SOURCE_DATADIR,
  };

  if (from_env != NULL && *from_env != '\0')
    return g_strdup (from_env);
  for (guint i = 0; i < G_N_ELEMENTS (directories); i++)
    {
      g_autofree char *path = NULL;

      if (directories[i] == NULL)
        continue;
      path = g_build_filename (directories[i], "models", PD_FACE_DETECTOR_MODEL_FILE, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&path);
    }
  /* Where an installed Passdesk has it, so that the warning names the expected place. */
  return g_build_filename (PKGDATADIR, "models", PD_FACE_DETECTOR_MODEL_FILE, NULL);
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
