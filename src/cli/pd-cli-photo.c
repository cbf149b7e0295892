/* pd-cli-photo.c: `passdesk-cli photo check|fix FILE` and `photo compare FILE FILE`, the photo
 * checks and the face match without the app.
 *
 * Exit codes as for every command: 0 the photo is compliant (check) or the standard photo
 * written is (fix), 1 it is not or cannot be cut, 2 the file, the profile or the face model
 * cannot be used. compare: 0 whatever the verdict (it is in the output), 2 also when a photo
 * shows no face.
 */
#define G_LOG_DOMAIN "pd-cli"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "pd-cli.h"
#include "pd-face-match.h"
#include "pd-photo.h"
#include "pd-photo-image.h"

static char *output_path;
static char *profile_name;
static gboolean final_mode;

static const GOptionEntry photo_entries[] = {
  { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output_path,
    N_("fix: where to write the standard photo (JPEG)"), N_("FILE") },
  { "profile", 0, 0, G_OPTION_ARG_FILENAME, &profile_name,
    N_("The photo standard: a name such as vn-passport (the default) or a profile file"), N_("NAME|FILE") },
  { "final", 0, 0, G_OPTION_ARG_NONE, &final_mode,
    N_("check: judge the file as the finished photo, not as a picture to crop"), NULL },
  { NULL }
};

static PdPhotoProfile *
load_profile (GError **error)
{
  const char *name = profile_name != NULL ? profile_name : "vn-passport";

  if (strchr (name, '/') != NULL || g_str_has_suffix (name, ".json"))
    return pd_photo_profile_new_from_file (name, error);
  return pd_photo_profile_load (name, error);
}

static JsonNode *
report_with_members (const PdPhotoReport *report,
                     const char          *output,
                     gsize                bytes,
                     int                  quality,
                     JsonNode            *source)
{
  JsonNode *node = pd_photo_report_to_json (report);
  JsonObject *object = json_node_get_object (node);

  json_object_set_string_member (object, "output", output);
  json_object_set_int_member (object, "bytes", bytes);
  json_object_set_int_member (object, "jpeg_quality", quality);
  json_object_set_member (object, "source", source);
  return node;
}

static PdCliExit
run_compare (PdCli          *cli,
             PdPhotoProfile *profile,
             PdFaceModel    *model)
{
  g_autoptr(GFile) first = g_file_new_for_commandline_arg (cli->args[1]);
  g_autoptr(GFile) second = g_file_new_for_commandline_arg (cli->args[2]);
  g_autoptr(GError) error = NULL;
  PdFaceMatch match;

  if (!pd_face_compare_files (model, profile, first, second, &match, &error))
    return pd_cli_fail (PD_CLI_EXIT_UNUSABLE, "%s", error->message);

  if (cli->json)
    pd_cli_print_json (pd_face_match_to_json (&match));
  else
    /* TRANSLATORS: the verdict, then the distance between the faces and the threshold */
    g_print (_("%s (distance %.3f, threshold %.2f)\n"),
             match.same_person ? _("Same person") : _("Not the same person"),
             match.distance, match.threshold);
  return PD_CLI_EXIT_OK;
}

static PdCliExit
run_photo (PdCli *cli)
{
  const char *action = cli->args[0];
  const char *path = cli->args[1];
  g_autoptr(GError) error = NULL;
  g_autoptr(PdPhotoProfile) profile = NULL;
  g_autoptr(PdFaceModel) model = NULL;
  g_autoptr(GdkPixbuf) image = NULL;
  g_autoptr(PdPhotoReport) report = NULL;
  g_autoptr(PdPhotoReport) output_report = NULL;
  g_autoptr(GdkPixbuf) standard = NULL;
  g_autoptr(GdkPixbuf) written = NULL;
  g_autoptr(GBytes) jpeg = NULL;
  g_autofree char *model_path = NULL;
  int quality = 0;

  if (!g_str_equal (action, "check") && !g_str_equal (action, "fix") && !g_str_equal (action, "compare"))
    return pd_cli_fail (PD_CLI_EXIT_UNUSABLE,
                        _("Unknown photo action “%s”: use “check”, “fix” or “compare”."), action);
  if ((cli->n_args == 3) != g_str_equal (action, "compare"))
    return pd_cli_fail (PD_CLI_EXIT_UNUSABLE,
                        _("“photo compare” takes two photos, “photo check” and “photo fix” one."));
  if (g_str_equal (action, "fix") && output_path == NULL)
    return pd_cli_fail (PD_CLI_EXIT_UNUSABLE,
                        _("Say where to write the standard photo with --output FILE.jpg."));
  if (g_str_equal (action, "fix") && final_mode)
    return pd_cli_fail (PD_CLI_EXIT_UNUSABLE, _("--final only applies to “photo check”."));

  profile = load_profile (&error);
  if (profile == NULL)
    return pd_cli_fail (PD_CLI_EXIT_UNUSABLE, "%s", error->message);

  model_path = pd_face_model_resolve_path (profile->model_path);
  model = pd_face_model_load (model_path, &error);
  if (model == NULL)
    return pd_cli_fail (PD_CLI_EXIT_UNUSABLE, "%s", error->message);

  if (g_str_equal (action, "compare"))
    return run_compare (cli, profile, model);

  image = pd_photo_image_load_file (path, &error);
  if (image == NULL)
    return pd_cli_fail (PD_CLI_EXIT_UNUSABLE, "%s", error->message);

  report = pd_photo_analyze (model, profile, image,
                             final_mode ? PD_PHOTO_MODE_FINAL : PD_PHOTO_MODE_CAPTURE);

  if (g_str_equal (action, "check"))
    {
      pd_cli_print_json (pd_photo_report_to_json (report));
      return pd_photo_report_is_compliant (report) ? PD_CLI_EXIT_OK : PD_CLI_EXIT_INVALID;
    }

  standard = pd_photo_make_standard (profile, image, report, &error);
  if (standard == NULL)
    {
      pd_cli_print_json (pd_photo_report_to_json (report));
      return pd_cli_fail (PD_CLI_EXIT_INVALID, "%s", error->message);
    }
  jpeg = pd_photo_image_encode_jpeg (standard,
                                     (int) profile->output.jpeg_quality_min,
                                     (int) profile->output.jpeg_quality_max,
                                     (gsize) profile->output.jpeg_min_bytes,
                                     (gsize) profile->output.jpeg_max_bytes,
                                     (int) profile->output.dpi, &quality, &error);
  if (jpeg == NULL)
    return pd_cli_fail (PD_CLI_EXIT_UNUSABLE, "%s", error->message);
  if (!g_file_set_contents (output_path, g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg), &error))
    return pd_cli_fail (PD_CLI_EXIT_UNUSABLE, _("Cannot write the standard photo: %s"), error->message);

  /* The report is of the file as written, read back: what the citizen will hand in. */
  written = pd_photo_image_load_bytes (jpeg, &error);
  if (written == NULL)
    return pd_cli_fail (PD_CLI_EXIT_UNUSABLE, "%s", error->message);
  output_report = pd_photo_analyze (model, profile, written, PD_PHOTO_MODE_FINAL);
  pd_cli_print_json (report_with_members (output_report, output_path, g_bytes_get_size (jpeg),
                                          quality, pd_photo_report_to_json (report)));
  return pd_photo_report_is_compliant (output_report) ? PD_CLI_EXIT_OK : PD_CLI_EXIT_INVALID;
}

const PdCliCommand pd_cli_command_photo = {
  .name = "photo",
  .parameters = N_("check|fix FILE | compare FILE FILE"),
  .summary = N_("Check a passport photo, cut the standard photo from it, or compare two faces "
                "(compare: exit 0 with the verdict, 2 when a photo shows no face)"),
  .min_args = 2,
  .max_args = 3,
  .flags = PD_CLI_FLAGS_NO_STORE,
  .entries = photo_entries,
  .run = run_photo,
};
