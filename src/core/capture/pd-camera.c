/* pd-camera.c: a camera (or a file standing in for one) on a GStreamer pipeline: frames and barcodes.
 *
 * The pipeline:
 *
 *   source ─ tee ─ queue ─ videoconvert ─ RGB ─ appsink "display" (sync, 1 buffer, drop)
 *                └ queue (leaky, 1) ─ videoconvert ─ GRAY8 ─ appsink "decode" (1 buffer, drop)
 *
 * where source is v4l2src ! decodebin (cameras that send MJPEG), videotestsrc, or filesrc !
 * decodebin [! imagefreeze for a still picture]. The display branch paces a file to real time;
 * the decode branch never holds back the display branch. The decoding thread pulls from its
 * appsink, which keeps only the newest frame, as the luminance plane ZXing reads in place.
 */
#define G_LOG_DOMAIN "pd-camera"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <gst/gst.h>
#include <gst/app/gstappsink.h>
#include <gst/video/video.h>

#include "pd-background.h"
#include "pd-camera.h"
#include "pd-camera-private.h"

/* A slow decode is retried on the next frame anyway: only every Nth frame gets the dear
 * passes (rotated 1D codes, double size) that a still frame may need. */
#define FULL_DECODE_EVERY 4

/* What V4L2 cameras send, in colour. */
#define COLOUR_FORMATS "{YUY2,UYVY,NV12,I420,YV12,NV21,RGB,BGR,BGRx,RGBx,xRGB,xBGR}"

typedef enum {
  SOURCE_DEVICE,
  SOURCE_FILE,
  SOURCE_TEST_PATTERN,
} SourceKind;

struct _PdCamera
{
  GObject          parent_instance;

  SourceKind       kind;
  char            *device_path;
  GFile           *file;
  char            *description;
  PdBarcodeFormat  formats;
  PdBarcodeFormat  decode_formats;   /* the formats of the running decoding thread */
  guint            max_fps;

  GMainContext    *context;
  GstElement      *pipeline;
  GstElement      *tee;
  GstAppSink      *display_sink;
  GstAppSink      *decode_sink;
  GSource         *bus_source;
  GThread         *decode_thread;
  gint             stopping;   /* atomic */

  /* Shared with the streaming and decoding threads. */
  GMutex           lock;
  GstSample       *pending_frame;
  GSource         *frame_source;
  gint64           last_frame_time;
  char            *pending_code;
  PdBarcodeFormat  pending_code_format;
  GSource         *code_source;
  guint            decode_count;
  gint64           decode_usec;
};

G_DEFINE_FINAL_TYPE (PdCamera, pd_camera, G_TYPE_OBJECT)

G_DEFINE_BOXED_TYPE (PdCameraDevice, pd_camera_device, pd_camera_device_copy, pd_camera_device_free)

G_DEFINE_QUARK (pd-camera-error-quark, pd_camera_error)

enum {
  PROP_0,
  PROP_RUNNING,
  PROP_DESCRIPTION,
  PROP_BARCODE_FORMATS,
  PROP_MAX_FPS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_FRAME,
  SIGNAL_CODE_DETECTED,
  SIGNAL_ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gsize gstreamer_once;
static gint gstreamer_tried;
static char *init_message;

static gboolean
ensure_gstreamer (GError **error)
{
  if (g_once_init_enter (&gstreamer_once))
    {
      g_autoptr(GError) init_error = NULL;

      if (!gst_init_check (NULL, NULL, &init_error))
        init_message = g_strdup_printf (_("GStreamer could not start (%s). Reinstall the "
                                          "gstreamer1.0 packages."), init_error->message);
      g_atomic_int_set (&gstreamer_tried, TRUE);
      g_once_init_leave (&gstreamer_once, 1);
    }
  if (init_message != NULL)
    {
      g_set_error_literal (error, PD_CAMERA_ERROR, PD_CAMERA_ERROR_MISSING, init_message);
      return FALSE;
    }
  return TRUE;
}

gboolean
pd_camera_get_prepared (void)
{
  return g_atomic_int_get (&gstreamer_tried);
}

static void
prepare_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GError *error = NULL;

  if (ensure_gstreamer (&error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
pd_camera_prepare_async (GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, pd_camera_prepare_async);
  g_task_set_name (task, "[pd-camera] prepare");
  pd_background_run_task (task, prepare_thread);
}

gboolean
pd_camera_prepare_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

PdCameraDevice *
pd_camera_device_copy (const PdCameraDevice *device)
{
  PdCameraDevice *copy = g_new0 (PdCameraDevice, 1);

  copy->name = g_strdup (device->name);
  copy->device_path = g_strdup (device->device_path);
  return copy;
}

void
pd_camera_device_free (PdCameraDevice *device)
{
  if (device == NULL)
    return;
  g_free (device->name);
  g_free (device->device_path);
  g_free (device);
}

GPtrArray *
pd_camera_list_devices (void)
{
  GPtrArray *result = g_ptr_array_new_with_free_func ((GDestroyNotify) pd_camera_device_free);
  g_autoptr(GstDeviceMonitor) monitor = NULL;
  GList *devices;

  if (!ensure_gstreamer (NULL))
    return result;
  monitor = gst_device_monitor_new ();
  gst_device_monitor_add_filter (monitor, "Video/Source", NULL);
  devices = gst_device_monitor_get_devices (monitor);
  for (GList *l = devices; l != NULL; l = l->next)
    {
      g_autoptr(GstStructure) props = gst_device_get_properties (l->data);
      const char *path = props != NULL ? gst_structure_get_string (props, "device.path") : NULL;
      PdCameraDevice *device;

      /* Only V4L2 devices have a path that pd_camera_new_for_device() can open. */
      if (path == NULL)
        continue;
      device = g_new0 (PdCameraDevice, 1);
      device->name = gst_device_get_display_name (l->data);
      device->device_path = g_strdup (path);
      g_ptr_array_add (result, device);
    }
  g_list_free_full (devices, gst_object_unref);
  return result;
}

static PdCamera *
camera_new (SourceKind kind)
{
  PdCamera *self = g_object_new (PD_TYPE_CAMERA, NULL);

  self->kind = kind;
  return self;
}

PdCamera *
pd_camera_new_for_device (const char *device_path)
{
  PdCamera *self = camera_new (SOURCE_DEVICE);

  self->device_path = g_strdup (device_path);
  self->description = device_path != NULL ? g_strdup (device_path) : g_strdup (_("Camera"));
  return self;
}

PdCamera *
pd_camera_new_for_file (GFile *file)
{
  PdCamera *self;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  self = camera_new (SOURCE_FILE);
  self->file = g_object_ref (file);
  self->description = g_file_get_basename (file);
  return self;
}

PdCamera *
pd_camera_new_test_pattern (void)
{
  PdCamera *self = camera_new (SOURCE_TEST_PATTERN);

  self->description = g_strdup (_("Test pattern"));
  return self;
}

/* Errors */

static GError *
error_from_gstreamer (PdCamera     *self,
                      const GError *gst_error,
                      const char   *debug)
{
  const char *what = self->description;

  g_debug ("%s: %s (%s)", what, gst_error->message, debug != NULL ? debug : "");

  if (gst_error->domain == GST_RESOURCE_ERROR)
    {
      if (gst_error->code == GST_RESOURCE_ERROR_NOT_FOUND)
        {
          if (self->kind == SOURCE_FILE)
            return g_error_new (PD_CAMERA_ERROR, PD_CAMERA_ERROR_NOT_FOUND,
                                _("The file “%s” was not found. Choose another file."), what);
          return g_error_new (PD_CAMERA_ERROR, PD_CAMERA_ERROR_NOT_FOUND,
                              _("The camera “%s” was not found. Check that it is plugged in, "
                                "or choose another camera in Preferences."), what);
        }
      if (gst_error->code == GST_RESOURCE_ERROR_BUSY)
        return g_error_new (PD_CAMERA_ERROR, PD_CAMERA_ERROR_BUSY,
                            _("The camera “%s” is in use by another program. Close the other "
                              "program (a video call, another Passdesk window) and try again."),
                            what);
      if ((gst_error->code == GST_RESOURCE_ERROR_OPEN_READ
           || gst_error->code == GST_RESOURCE_ERROR_OPEN_READ_WRITE)
          && debug != NULL && strstr (debug, "ermission denied") != NULL)
        {
          if (self->kind == SOURCE_FILE)
            return g_error_new (PD_CAMERA_ERROR, PD_CAMERA_ERROR_PERMISSION,
                                _("Passdesk may not read the file “%s”. Copy it to your own "
                                  "folder and choose the copy."), what);
          return g_error_new (PD_CAMERA_ERROR, PD_CAMERA_ERROR_PERMISSION,
                              _("Passdesk may not use the camera “%s”. Ask the administrator "
                                "to add your account to the “video” group, then log in again."),
                              what);
        }
    }
  if (gst_error->domain == GST_STREAM_ERROR || gst_error->domain == GST_CORE_ERROR)
    {
      if (g_error_matches (gst_error, GST_CORE_ERROR, GST_CORE_ERROR_MISSING_PLUGIN)
          || g_error_matches (gst_error, GST_STREAM_ERROR, GST_STREAM_ERROR_CODEC_NOT_FOUND))
        return g_error_new (PD_CAMERA_ERROR, PD_CAMERA_ERROR_MISSING,
                            _("“%s” needs a GStreamer plugin that is not installed. Install "
                              "the gstreamer1.0-plugins-good and gstreamer1.0-libav packages."),
                            what);
      if (gst_error->domain == GST_STREAM_ERROR)
        {
          if (self->kind == SOURCE_FILE)
            return g_error_new (PD_CAMERA_ERROR, PD_CAMERA_ERROR_FORMAT,
                                _("The file “%s” is not a picture or a video that Passdesk can "
                                  "read. Choose a JPEG or PNG picture."), what);
          return g_error_new (PD_CAMERA_ERROR, PD_CAMERA_ERROR_FORMAT,
                              _("The images of the camera “%s” cannot be read. Unplug it and "
                                "plug it in again, or choose another camera."), what);
        }
    }
  if (self->kind == SOURCE_FILE)
    return g_error_new (PD_CAMERA_ERROR, PD_CAMERA_ERROR_FAILED,
                        _("The file “%s” could not be shown (%s). Choose another file."),
                        what, gst_error->message);
  return g_error_new (PD_CAMERA_ERROR, PD_CAMERA_ERROR_FAILED,
                      _("The camera “%s” stopped working (%s). Unplug it and plug it in again, "
                        "then try again."), what, gst_error->message);
}

static GError *
error_from_message (PdCamera   *self,
                    GstMessage *message)
{
  g_autoptr(GError) gst_error = NULL;
  g_autofree char *debug = NULL;

  gst_message_parse_error (message, &gst_error, &debug);
  return error_from_gstreamer (self, gst_error, debug);
}

/* Frames to the main context */

typedef struct
{
  GstSample     *sample;
  GstVideoFrame  frame;
} MappedFrame;

static void
mapped_frame_free (gpointer data)
{
  MappedFrame *mapped = data;

  gst_video_frame_unmap (&mapped->frame);
  gst_sample_unref (mapped->sample);
  g_free (mapped);
}

static gboolean
dispatch_frame (gpointer data)
{
  PdCamera *self = data;
  GstSample *sample;
  GstVideoInfo info;
  MappedFrame *mapped;
  g_autoptr(GBytes) bytes = NULL;

  g_mutex_lock (&self->lock);
  sample = g_steal_pointer (&self->pending_frame);
  g_clear_pointer (&self->frame_source, g_source_unref);
  self->last_frame_time = g_get_monotonic_time ();
  g_mutex_unlock (&self->lock);

  if (sample == NULL)
    return G_SOURCE_REMOVE;

  mapped = g_new0 (MappedFrame, 1);
  mapped->sample = sample;
  if (!gst_video_info_from_caps (&info, gst_sample_get_caps (sample))
      || !gst_video_frame_map (&mapped->frame, &info, gst_sample_get_buffer (sample), GST_MAP_READ))
    {
      g_warning ("A frame could not be mapped");
      gst_sample_unref (sample);
      g_free (mapped);
      return G_SOURCE_REMOVE;
    }

  /* The frame stays mapped, without a copy, for as long as someone holds the bytes. */
  bytes = g_bytes_new_with_free_func (GST_VIDEO_FRAME_PLANE_DATA (&mapped->frame, 0),
                                      (gsize) GST_VIDEO_FRAME_PLANE_STRIDE (&mapped->frame, 0)
                                      * GST_VIDEO_FRAME_HEIGHT (&mapped->frame),
                                      mapped_frame_free, mapped);
  g_signal_emit (self, signals[SIGNAL_FRAME], 0,
                 (guint) GST_VIDEO_FRAME_WIDTH (&mapped->frame),
                 (guint) GST_VIDEO_FRAME_HEIGHT (&mapped->frame),
                 (guint) GST_VIDEO_FRAME_PLANE_STRIDE (&mapped->frame, 0),
                 bytes);
  return G_SOURCE_REMOVE;
}

/* Streaming thread. */
static GstFlowReturn
on_display_sample (GstAppSink *sink,
                   gpointer    user_data)
{
  PdCamera *self = user_data;
  GstSample *sample = gst_app_sink_pull_sample (sink);

  if (sample == NULL)
    return GST_FLOW_OK;

  g_mutex_lock (&self->lock);
  if (g_atomic_int_get (&self->stopping))
    gst_sample_unref (sample);
  else
    {
      if (self->pending_frame != NULL)
        gst_sample_unref (self->pending_frame);
      self->pending_frame = sample;
      if (self->frame_source == NULL)
        {
          gint64 interval = G_USEC_PER_SEC / MAX (self->max_fps, 1);
          gint64 wait = self->last_frame_time + interval - g_get_monotonic_time ();

          self->frame_source = wait > 1000 ? g_timeout_source_new ((guint) (wait / 1000))
                                           : g_idle_source_new ();
          g_source_set_priority (self->frame_source, G_PRIORITY_DEFAULT);
          g_source_set_callback (self->frame_source, dispatch_frame, self, NULL);
          g_source_set_static_name (self->frame_source, "[pd-camera] frame");
          g_source_attach (self->frame_source, self->context);
        }
    }
  g_mutex_unlock (&self->lock);
  return GST_FLOW_OK;
}

/* Codes */

static gboolean
dispatch_code (gpointer data)
{
  PdCamera *self = data;
  g_autofree char *text = NULL;
  PdBarcodeFormat format;

  g_mutex_lock (&self->lock);
  text = g_steal_pointer (&self->pending_code);
  format = self->pending_code_format;
  g_clear_pointer (&self->code_source, g_source_unref);
  g_mutex_unlock (&self->lock);

  if (text != NULL)
    g_signal_emit (self, signals[SIGNAL_CODE_DETECTED], 0, text, (guint) format);
  return G_SOURCE_REMOVE;
}

/* GStreamer posts a thread's STREAM_STATUS "enter" from that thread as it starts: decoding and
 * converting frames then give way to the window's main thread (the frames still come in time;
 * a late one is dropped by the sink). */
static GstBusSyncReply
lower_streaming_threads (GstBus     *bus,
                         GstMessage *message,
                         gpointer    user_data)
{
  GstStreamStatusType type;
  GstElement *owner;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_STREAM_STATUS)
    {
      gst_message_parse_stream_status (message, &type, &owner);
      if (type == GST_STREAM_STATUS_TYPE_ENTER)
        pd_background_lower_this_thread ();
    }
  return GST_BUS_PASS;
}

static gpointer
decode_thread_func (gpointer data)
{
  PdCamera *self = data;
  PdBarcodeFormat formats = self->decode_formats;
  g_autofree char *last_text = NULL;
  gint64 last_seen = 0;
  guint count = 0;

  pd_background_lower_this_thread ();
  while (!g_atomic_int_get (&self->stopping))
    {
      g_autoptr(GstSample) sample = gst_app_sink_try_pull_sample (self->decode_sink, 100 * GST_MSECOND);
      g_autoptr(PdBarcode) barcode = NULL;
      GstVideoInfo info;
      GstVideoFrame frame;
      gint64 start, now;

      if (sample == NULL)
        {
          if (gst_app_sink_is_eos (self->decode_sink))
            break;
          continue;
        }
      if (!gst_video_info_from_caps (&info, gst_sample_get_caps (sample))
          || !gst_video_frame_map (&frame, &info, gst_sample_get_buffer (sample), GST_MAP_READ))
        continue;

      start = g_get_monotonic_time ();
      barcode = pd_barcode_decode (GST_VIDEO_FRAME_PLANE_DATA (&frame, 0),
                                   GST_VIDEO_FRAME_WIDTH (&frame), GST_VIDEO_FRAME_HEIGHT (&frame),
                                   GST_VIDEO_FRAME_PLANE_STRIDE (&frame, 0), PD_PIXEL_FORMAT_GRAY8,
                                   formats,
                                   count++ % FULL_DECODE_EVERY == FULL_DECODE_EVERY - 1
                                   ? PD_BARCODE_DECODE_DEFAULT : PD_BARCODE_DECODE_FAST);
      now = g_get_monotonic_time ();
      gst_video_frame_unmap (&frame);

      g_mutex_lock (&self->lock);
      self->decode_count++;
      self->decode_usec += now - start;
      if (barcode != NULL)
        {
          /* A card held in front of the camera is read on every frame: report it once, and
           * again only when it was out of sight for a while (the officer shows it again). */
          if (g_strcmp0 (barcode->text, last_text) != 0
              || now - last_seen > PD_CAMERA_CODE_REPEAT_MS * 1000)
            {
              g_free (self->pending_code);
              self->pending_code = g_strdup (barcode->text);
              self->pending_code_format = barcode->format;
              if (self->code_source == NULL && !g_atomic_int_get (&self->stopping))
                {
                  self->code_source = g_idle_source_new ();
                  g_source_set_priority (self->code_source, G_PRIORITY_DEFAULT);
                  g_source_set_callback (self->code_source, dispatch_code, self, NULL);
                  g_source_set_static_name (self->code_source, "[pd-camera] code");
                  g_source_attach (self->code_source, self->context);
                }
              g_free (last_text);
              last_text = g_strdup (barcode->text);
            }
          last_seen = now;
        }
      g_mutex_unlock (&self->lock);
    }
  return NULL;
}

/* The pipeline */

static gboolean
on_bus_message (GstBus     *bus,
                GstMessage *message,
                gpointer    user_data)
{
  PdCamera *self = user_data;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    {
      g_autoptr(GError) error = error_from_message (self, message);

      g_object_ref (self);
      pd_camera_stop (self);
      g_signal_emit (self, signals[SIGNAL_ERROR], 0, error);
      g_object_unref (self);
      return G_SOURCE_REMOVE;
    }
  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_EOS)
    {
      /* The end of a video file: the last frame stays on screen. */
      pd_camera_stop (self);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static GstElement *
make_element (const char  *factory,
              GError     **error)
{
  GstElement *element = gst_element_factory_make (factory, NULL);

  /* Several elements are made in a row: the first one missing is reported. */
  if (element == NULL && (error == NULL || *error == NULL))
    g_set_error (error, PD_CAMERA_ERROR, PD_CAMERA_ERROR_MISSING,
                 _("The GStreamer element “%s” is not installed. Install the packages "
                   "gstreamer1.0-plugins-base and gstreamer1.0-plugins-good."), factory);
  return element;
}

/* A branch of the tee: queue ! videoconvert ! capsfilter(@format) ! appsink. */
static GstAppSink *
add_branch (PdCamera    *self,
            const char  *format,
            gboolean     leaky,
            gboolean     sync,
            GError     **error)
{
  GstElement *queue = make_element ("queue", error);
  GstElement *convert = make_element ("videoconvert", error);
  GstElement *filter = make_element ("capsfilter", error);
  GstElement *sink = make_element ("appsink", error);
  g_autoptr(GstCaps) caps = NULL;

  if (queue == NULL || convert == NULL || filter == NULL || sink == NULL)
    {
      GstElement *made[] = { queue, convert, filter, sink };

      for (guint i = 0; i < G_N_ELEMENTS (made); i++)
        if (made[i] != NULL)
          gst_object_unref (gst_object_ref_sink (made[i]));
      return NULL;
    }

  g_object_set (queue, "max-size-buffers", leaky ? 1 : 2, "max-size-bytes", 0,
                "max-size-time", (guint64) 0, NULL);
  if (leaky)
    g_object_set (queue, "leaky", 2 /* downstream: drop the older */, NULL);
  caps = gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING, format, NULL);
  g_object_set (filter, "caps", caps, NULL);
  g_object_set (sink, "max-buffers", 1, "drop", TRUE, "sync", sync, "enable-last-sample", FALSE,
                NULL);

  gst_bin_add_many (GST_BIN (self->pipeline), queue, convert, filter, sink, NULL);
  if (!gst_element_link_many (self->tee, queue, convert, filter, sink, NULL))
    {
      g_set_error_literal (error, PD_CAMERA_ERROR, PD_CAMERA_ERROR_FAILED,
                           _("The camera pipeline could not be built. Reinstall the GStreamer "
                             "packages."));
      return NULL;
    }
  return GST_APP_SINK (sink);
}

/* Streaming thread: decodebin found the stream's decoded pad. */
static void
on_decodebin_pad_added (GstElement *decodebin,
                        GstPad     *pad,
                        gpointer    user_data)
{
  PdCamera *self = user_data;
  g_autoptr(GstCaps) caps = gst_pad_get_current_caps (pad);
  GstStructure *structure;
  int num = 0, den = 1;
  g_autoptr(GstPad) sink_pad = NULL;
  GstElement *next = self->tee;

  if (caps == NULL)
    caps = gst_pad_query_caps (pad, NULL);
  structure = gst_caps_get_structure (caps, 0);
  if (!g_str_has_prefix (gst_structure_get_name (structure), "video/"))
    return;

  /* A picture decodes to a single frame (frame rate 0/1): imagefreeze repeats it. */
  gst_structure_get_fraction (structure, "framerate", &num, &den);
  if (num == 0)
    {
      GstElement *freeze = gst_element_factory_make ("imagefreeze", NULL);

      if (freeze == NULL)
        {
          GST_ELEMENT_ERROR (decodebin, CORE, MISSING_PLUGIN, ("imagefreeze"), (NULL));
          return;
        }
      gst_bin_add (GST_BIN (self->pipeline), freeze);
      gst_element_link (freeze, self->tee);
      gst_element_sync_state_with_parent (freeze);
      next = freeze;
    }
  sink_pad = gst_element_get_static_pad (next, "sink");
  if (gst_pad_is_linked (sink_pad))
    return;
  if (GST_PAD_LINK_FAILED (gst_pad_link (pad, sink_pad)))
    GST_ELEMENT_ERROR (decodebin, STREAM, FORMAT, ("The decoded stream cannot be shown"), (NULL));
}

static gboolean
add_source (PdCamera  *self,
            GError   **error)
{
  GstElement *source, *decodebin;

  switch (self->kind)
    {
    case SOURCE_TEST_PATTERN:
      {
        GstElement *filter;
        g_autoptr(GstCaps) caps = NULL;

        if ((source = make_element ("videotestsrc", error)) == NULL)
          return FALSE;
        if ((filter = make_element ("capsfilter", error)) == NULL)
          {
            gst_object_unref (gst_object_ref_sink (source));
            return FALSE;
          }
        g_object_set (source, "is-live", TRUE, NULL);
        /* YUY2, as webcams send: a grey format would be picked for both branches. */
        caps = gst_caps_new_simple ("video/x-raw", "format", G_TYPE_STRING, "YUY2",
                                    "width", G_TYPE_INT, 1280,
                                    "height", G_TYPE_INT, 720,
                                    "framerate", GST_TYPE_FRACTION, 30, 1, NULL);
        g_object_set (filter, "caps", caps, NULL);
        gst_bin_add_many (GST_BIN (self->pipeline), source, filter, NULL);
        return gst_element_link_many (source, filter, self->tee, NULL);
      }

    case SOURCE_FILE:
      {
        g_autofree char *path = g_file_get_path (self->file);

        if (path == NULL)
          {
            g_set_error (error, PD_CAMERA_ERROR, PD_CAMERA_ERROR_NOT_FOUND,
                         _("The file “%s” is not on this computer. Copy it to a local folder "
                           "and choose the copy."), self->description);
            return FALSE;
          }
        if ((source = make_element ("filesrc", error)) == NULL)
          return FALSE;
        g_object_set (source, "location", path, NULL);
      }
      break;

    case SOURCE_DEVICE:
    default:
      if (self->device_path != NULL)
        {
          if ((source = make_element ("v4l2src", error)) == NULL)
            return FALSE;
          g_object_set (source, "device", self->device_path, NULL);
        }
      else
        {
          g_autoptr(GstDeviceMonitor) monitor = gst_device_monitor_new ();
          GList *devices;

          gst_device_monitor_add_filter (monitor, "Video/Source", NULL);
          devices = gst_device_monitor_get_devices (monitor);
          source = devices != NULL ? gst_device_create_element (devices->data, NULL) : NULL;
          if (source != NULL)
            {
              g_free (self->description);
              self->description = gst_device_get_display_name (devices->data);
              g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DESCRIPTION]);
            }
          g_list_free_full (devices, gst_object_unref);
          if (source == NULL)
            {
              g_set_error_literal (error, PD_CAMERA_ERROR, PD_CAMERA_ERROR_NOT_FOUND,
                                   _("No camera was found. Plug in a camera and try again."));
              return FALSE;
            }
        }
      break;
    }

  /* Cameras send raw frames or MJPEG; files anything: decodebin passes raw frames through. */
  if ((decodebin = make_element ("decodebin", error)) == NULL)
    {
      gst_object_unref (gst_object_ref_sink (source));
      return FALSE;
    }
  g_signal_connect_object (decodebin, "pad-added", G_CALLBACK (on_decodebin_pad_added), self, 0);
  gst_bin_add_many (GST_BIN (self->pipeline), source, decodebin, NULL);
  if (self->kind == SOURCE_DEVICE)
    {
      /* Left to itself, v4l2src picks the largest size, often at a few frames a second, and
       * a grey format when the camera has one (the decoding branch asks for grey). The caps
       * are tried in order: 1280x720 in colour (a card's QR code is sharp, decoding stays
       * cheap), then colour from 640 to 1920 wide, then anything. */
      GstElement *filter = make_element ("capsfilter", error);
      g_autoptr(GstCaps) caps = NULL;

      if (filter == NULL)
        return FALSE;
      caps = gst_caps_from_string ("video/x-raw,format=" COLOUR_FORMATS ",width=1280,height=720;"
                                   "image/jpeg,width=1280,height=720;"
                                   "video/x-raw,format=" COLOUR_FORMATS ",width=[640,1920];"
                                   "image/jpeg,width=[640,1920];"
                                   "video/x-raw;image/jpeg");
      g_object_set (filter, "caps", caps, NULL);
      gst_bin_add (GST_BIN (self->pipeline), filter);
      return gst_element_link_many (source, filter, decodebin, NULL);
    }
  return gst_element_link (source, decodebin);
}

static gboolean
build_pipeline (PdCamera  *self,
                GError   **error)
{
  GstAppSinkCallbacks callbacks = { .new_sample = on_display_sample };

  self->pipeline = gst_pipeline_new ("pd-camera");
  if ((self->tee = make_element ("tee", error)) == NULL)
    return FALSE;
  gst_bin_add (GST_BIN (self->pipeline), self->tee);

  if ((self->display_sink = add_branch (self, "RGB", FALSE, TRUE, error)) == NULL)
    return FALSE;
  gst_app_sink_set_callbacks (self->display_sink, &callbacks, self, NULL);
  if (self->formats != PD_BARCODE_FORMAT_NONE
      && (self->decode_sink = add_branch (self, "GRAY8", TRUE, FALSE, error)) == NULL)
    return FALSE;
  if (!add_source (self, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error_literal (error, PD_CAMERA_ERROR, PD_CAMERA_ERROR_FAILED,
                             _("The camera pipeline could not be built. Reinstall the "
                               "GStreamer packages."));
      return FALSE;
    }
  return TRUE;
}

static void
clear_pipeline (PdCamera *self)
{
  if (self->pipeline != NULL)
    gst_element_set_state (self->pipeline, GST_STATE_NULL);
  g_clear_pointer (&self->decode_thread, g_thread_join);
  if (self->bus_source != NULL)
    {
      g_source_destroy (self->bus_source);
      g_clear_pointer (&self->bus_source, g_source_unref);
    }
  self->tee = NULL;
  self->display_sink = NULL;
  self->decode_sink = NULL;
  g_clear_object (&self->pipeline);

  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->pending_frame, gst_sample_unref);
  g_clear_pointer (&self->pending_code, g_free);
  if (self->frame_source != NULL)
    g_source_destroy (self->frame_source);
  g_clear_pointer (&self->frame_source, g_source_unref);
  if (self->code_source != NULL)
    g_source_destroy (self->code_source);
  g_clear_pointer (&self->code_source, g_source_unref);
  g_mutex_unlock (&self->lock);
}

gboolean
pd_camera_start (PdCamera  *self,
                 GError   **error)
{
  g_autoptr(GstBus) bus = NULL;
  GstStateChangeReturn ret;

  g_return_val_if_fail (PD_IS_CAMERA (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->pipeline != NULL)
    return TRUE;
  if (!ensure_gstreamer (error))
    return FALSE;

  g_atomic_int_set (&self->stopping, FALSE);
  self->decode_count = 0;
  self->decode_usec = 0;
  self->last_frame_time = 0;
  if (!build_pipeline (self, error))
    {
      clear_pipeline (self);
      return FALSE;
    }

  bus = gst_pipeline_get_bus (GST_PIPELINE (self->pipeline));
  gst_bus_set_sync_handler (bus, lower_streaming_threads, NULL, NULL);
  ret = gst_element_set_state (self->pipeline, GST_STATE_PLAYING);
  if (ret == GST_STATE_CHANGE_FAILURE)
    {
      g_autoptr(GstMessage) message = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);

      if (message != NULL)
        g_propagate_error (error, error_from_message (self, message));
      else
        g_set_error (error, PD_CAMERA_ERROR, PD_CAMERA_ERROR_FAILED,
                     _("The camera “%s” could not be started. Unplug it and plug it in again, "
                       "then try again."), self->description);
      clear_pipeline (self);
      return FALSE;
    }

  self->bus_source = gst_bus_create_watch (bus);
  g_source_set_callback (self->bus_source, G_SOURCE_FUNC (on_bus_message), self, NULL);
  g_source_set_static_name (self->bus_source, "[pd-camera] bus");
  g_source_attach (self->bus_source, self->context);
  self->decode_formats = self->formats;
  if (self->decode_sink != NULL)
    self->decode_thread = g_thread_new ("pd-camera-decode", decode_thread_func, self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  return TRUE;
}

void
pd_camera_stop (PdCamera *self)
{
  g_return_if_fail (PD_IS_CAMERA (self));

  if (self->pipeline == NULL)
    return;
  g_atomic_int_set (&self->stopping, TRUE);
  clear_pipeline (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

gboolean
pd_camera_get_running (PdCamera *self)
{
  g_return_val_if_fail (PD_IS_CAMERA (self), FALSE);

  return self->pipeline != NULL;
}

const char *
pd_camera_get_description (PdCamera *self)
{
  g_return_val_if_fail (PD_IS_CAMERA (self), NULL);

  return self->description;
}

PdBarcodeFormat
pd_camera_get_barcode_formats (PdCamera *self)
{
  g_return_val_if_fail (PD_IS_CAMERA (self), PD_BARCODE_FORMAT_NONE);

  return self->formats;
}

void
pd_camera_set_barcode_formats (PdCamera        *self,
                               PdBarcodeFormat  formats)
{
  g_return_if_fail (PD_IS_CAMERA (self));

  formats &= PD_BARCODE_FORMATS_ALL;
  if (self->formats == formats)
    return;
  self->formats = formats;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BARCODE_FORMATS]);
}

guint
pd_camera_get_max_fps (PdCamera *self)
{
  g_return_val_if_fail (PD_IS_CAMERA (self), 0);

  return self->max_fps;
}

void
pd_camera_set_max_fps (PdCamera *self,
                       guint     max_fps)
{
  g_return_if_fail (PD_IS_CAMERA (self));
  g_return_if_fail (max_fps > 0);

  if (self->max_fps == max_fps)
    return;
  g_mutex_lock (&self->lock);
  self->max_fps = max_fps;
  g_mutex_unlock (&self->lock);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_FPS]);
}

guint
pd_camera_get_decode_count (PdCamera *self,
                            gint64   *total_usec)
{
  guint count;

  g_return_val_if_fail (PD_IS_CAMERA (self), 0);

  g_mutex_lock (&self->lock);
  count = self->decode_count;
  if (total_usec != NULL)
    *total_usec = self->decode_usec;
  g_mutex_unlock (&self->lock);
  return count;
}

static void
pd_camera_dispose (GObject *object)
{
  PdCamera *self = PD_CAMERA (object);

  g_atomic_int_set (&self->stopping, TRUE);
  clear_pipeline (self);

  G_OBJECT_CLASS (pd_camera_parent_class)->dispose (object);
}

static void
pd_camera_finalize (GObject *object)
{
  PdCamera *self = PD_CAMERA (object);

  g_clear_pointer (&self->device_path, g_free);
  g_clear_object (&self->file);
  g_clear_pointer (&self->description, g_free);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (pd_camera_parent_class)->finalize (object);
}

static void
pd_camera_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  PdCamera *self = PD_CAMERA (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, pd_camera_get_running (self));
      break;
    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;
    case PROP_BARCODE_FORMATS:
      g_value_set_uint (value, self->formats);
      break;
    case PROP_MAX_FPS:
      g_value_set_uint (value, self->max_fps);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pd_camera_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  PdCamera *self = PD_CAMERA (object);

  switch (prop_id)
    {
    case PROP_BARCODE_FORMATS:
      pd_camera_set_barcode_formats (self, g_value_get_uint (value));
      break;
    case PROP_MAX_FPS:
      pd_camera_set_max_fps (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pd_camera_class_init (PdCameraClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pd_camera_dispose;
  object_class->finalize = pd_camera_finalize;
  object_class->get_property = pd_camera_get_property;
  object_class->set_property = pd_camera_set_property;

  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BARCODE_FORMATS] =
    g_param_spec_uint ("barcode-formats", NULL, NULL, 0, PD_BARCODE_FORMATS_ALL,
                       PD_BARCODE_FORMATS_DEFAULT,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MAX_FPS] =
    g_param_spec_uint ("max-fps", NULL, NULL, 1, 120, 30,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_FRAME] =
    g_signal_new ("frame", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 4, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_BYTES);
  signals[SIGNAL_CODE_DETECTED] =
    g_signal_new ("code-detected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_UINT);
  signals[SIGNAL_ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
pd_camera_init (PdCamera *self)
{
  g_mutex_init (&self->lock);
  self->context = g_main_context_ref_thread_default ();
  self->formats = PD_BARCODE_FORMATS_DEFAULT;
  self->max_fps = 30;
}
