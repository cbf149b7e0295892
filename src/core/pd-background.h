/* pd-background.h: work that must not take the CPU from a window's main thread. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Runs @func for @task as g_task_run_in_thread() does, but on one of this module's worker
 * threads, which run 10 nice steps below the process: on a 2-core desk PC the photo checks of
 * each camera frame, a still's crop and the camera's own threads would otherwise keep the main
 * thread waiting for a CPU in the middle of a frame. Takes a reference on @task. */
void pd_background_run_task          (GTask           *task,
                                      GTaskThreadFunc  func);

/* Lowers the calling thread's CPU priority as pd_background_run_task()'s workers have it
 * (for threads made elsewhere, such as GStreamer's streaming threads). Once lowered, an
 * ordinary user cannot raise it again: call it only on threads that do background work. */
void pd_background_lower_this_thread (void);

G_END_DECLS
