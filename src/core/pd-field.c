/* pd-field.c: the table of declaration fields. */
#define G_LOG_DOMAIN "pd-field"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "pd-field.h"

static const PdFieldChoice sex_choices[] = {
  { "M", N_("Male") },
  { "F", N_("Female") },
  { NULL, NULL }
};

static const PdFieldChoice request_choices[] = {
  { "first_issue",  N_("First passport") },
  { "reissue",      N_("Re-issue (expired or full)") },
  { "reissue_lost", N_("Re-issue after loss or damage") },
  { "other",        N_("Other request") },
  { NULL, NULL }
};

static const PdFieldChoice chip_choices[] = {
  { "chip",    N_("With electronic chip") },
  { "no_chip", N_("Without chip") },
  { NULL, NULL }
};

static const PdFieldChoice delivery_choices[] = {
  { "in_person", N_("Collect in person") },
  { "post",      N_("Send by post") },
  { NULL, NULL }
};

#define F(id, key, label, group, kind, personal) \
  [id] = { id, key, label, PD_FIELD_GROUP_##group, PD_FIELD_KIND_##kind, personal, NULL, PD_FIELD_INVALID }
#define C(id, key, label, group, choices, personal) \
  [id] = { id, key, label, PD_FIELD_GROUP_##group, PD_FIELD_KIND_CHOICE, personal, choices, PD_FIELD_INVALID }
#define COMMUNE(id, key, label, group, province_field) \
  [id] = { id, key, label, PD_FIELD_GROUP_##group, PD_FIELD_KIND_COMMUNE, TRUE, NULL, province_field }

static const PdFieldInfo fields[PD_N_FIELDS] = {
  F (PD_FIELD_FULL_NAME,      "full_name",      N_("Full name"),                PERSON, NAME,  TRUE),
  [PD_FIELD_SEX] = { PD_FIELD_SEX, "sex", N_("Sex"), PD_FIELD_GROUP_PERSON, PD_FIELD_KIND_SEX,
                     FALSE, sex_choices, PD_FIELD_INVALID },
  F (PD_FIELD_BIRTH_DATE,     "birth_date",     N_("Date of birth"),            PERSON, DATE,  TRUE),
  F (PD_FIELD_BIRTH_PROVINCE, "birth_province", N_("Place of birth (province)"), PERSON, PROVINCE, TRUE),
  F (PD_FIELD_BIRTH_COUNTRY,  "birth_country",  N_("Country of birth, if born abroad"), PERSON, TEXT, TRUE),
  F (PD_FIELD_ID_NUMBER,      "id_number",      N_("Personal identification number"), PERSON, ID_NUMBER, TRUE),
  F (PD_FIELD_ETHNIC_GROUP,   "ethnic_group",   N_("Ethnic group"),             PERSON, ETHNIC_GROUP, TRUE),
  F (PD_FIELD_RELIGION,       "religion",       N_("Religion"),                 PERSON, TEXT,  TRUE),
  F (PD_FIELD_PHONE,          "phone",          N_("Phone number"),             PERSON, PHONE, TRUE),
  F (PD_FIELD_EMAIL,          "email",          N_("Email"),                    PERSON, EMAIL, TRUE),

  F (PD_FIELD_PERMANENT_ADDRESS,  "permanent_address",  N_("Permanent residence (house, street)"), ADDRESS, TEXT, TRUE),
  F (PD_FIELD_PERMANENT_PROVINCE, "permanent_province", N_("Permanent residence: province"), ADDRESS, PROVINCE, FALSE),
  COMMUNE (PD_FIELD_PERMANENT_COMMUNE, "permanent_commune", N_("Permanent residence: commune or ward"), ADDRESS, PD_FIELD_PERMANENT_PROVINCE),
  F (PD_FIELD_TEMPORARY_ADDRESS,  "temporary_address",  N_("Temporary residence (house, street)"), ADDRESS, TEXT, TRUE),
  F (PD_FIELD_TEMPORARY_PROVINCE, "temporary_province", N_("Temporary residence: province"), ADDRESS, PROVINCE, FALSE),
  COMMUNE (PD_FIELD_TEMPORARY_COMMUNE, "temporary_commune", N_("Temporary residence: commune or ward"), ADDRESS, PD_FIELD_TEMPORARY_PROVINCE),
  F (PD_FIELD_CURRENT_ADDRESS,    "current_address",    N_("Current address (house, street)"), ADDRESS, TEXT, TRUE),
  F (PD_FIELD_CURRENT_PROVINCE,   "current_province",   N_("Current address: province"), ADDRESS, PROVINCE, FALSE),
  COMMUNE (PD_FIELD_CURRENT_COMMUNE, "current_commune", N_("Current address: commune or ward"), ADDRESS, PD_FIELD_CURRENT_PROVINCE),

  F (PD_FIELD_OCCUPATION,       "occupation",       N_("Occupation"),               WORK, TEXT, TRUE),
  F (PD_FIELD_EMPLOYER_NAME,    "employer_name",    N_("Employer"),                 WORK, TEXT, TRUE),
  F (PD_FIELD_EMPLOYER_ADDRESS, "employer_address", N_("Employer's address"),       WORK, TEXT, TRUE),

  F (PD_FIELD_FATHER_NAME,       "father_name",       N_("Father's full name"),     FAMILY, NAME, TRUE),
  F (PD_FIELD_FATHER_BIRTH_DATE, "father_birth_date", N_("Father's date of birth"), FAMILY, DATE, TRUE),
  F (PD_FIELD_MOTHER_NAME,       "mother_name",       N_("Mother's full name"),     FAMILY, NAME, TRUE),
  F (PD_FIELD_MOTHER_BIRTH_DATE, "mother_birth_date", N_("Mother's date of birth"), FAMILY, DATE, TRUE),
  F (PD_FIELD_SPOUSE_NAME,       "spouse_name",       N_("Spouse's full name"),     FAMILY, NAME, TRUE),
  F (PD_FIELD_SPOUSE_BIRTH_DATE, "spouse_birth_date", N_("Spouse's date of birth"), FAMILY, DATE, TRUE),

  F (PD_FIELD_PREV_PASSPORT_NUMBER,     "prev_passport_number",     N_("Most recent passport number"),  PASSPORT, TEXT, TRUE),
  F (PD_FIELD_PREV_PASSPORT_ISSUE_DATE, "prev_passport_issue_date", N_("Most recent passport issued on"), PASSPORT, DATE, TRUE),

  F (PD_FIELD_BANK_ACCOUNT_NUMBER, "bank_account_number", N_("Refund account number"), REFUND, TEXT, TRUE),
  F (PD_FIELD_BANK_ACCOUNT_HOLDER, "bank_account_holder", N_("Refund account holder"), REFUND, NAME, TRUE),
  F (PD_FIELD_BANK_NAME,           "bank_name",           N_("Bank"),                  REFUND, TEXT, TRUE),

  C (PD_FIELD_REQUEST_TYPE,   "request_type",   N_("Request"),                 REQUEST, request_choices, FALSE),
  F (PD_FIELD_REQUEST_REASON, "request_reason", N_("Reason for the request"),  REQUEST, TEXT, TRUE),
  C (PD_FIELD_CHIP,           "chip",           N_("Passport type"),           REQUEST, chip_choices, FALSE),
  C (PD_FIELD_DELIVERY,       "delivery",       N_("Collection"),              REQUEST, delivery_choices, FALSE),

  F (PD_FIELD_REP_NAME,          "rep_name",          N_("Representative's full name"),     REPRESENTATIVE, NAME, TRUE),
  F (PD_FIELD_REP_BIRTH_DATE,    "rep_birth_date",    N_("Representative's date of birth"), REPRESENTATIVE, DATE, TRUE),
  [PD_FIELD_REP_SEX] = { PD_FIELD_REP_SEX, "rep_sex", N_("Representative's sex"),
                         PD_FIELD_GROUP_REPRESENTATIVE, PD_FIELD_KIND_SEX, TRUE, sex_choices,
                         PD_FIELD_INVALID },
  F (PD_FIELD_REP_ID_NUMBER,     "rep_id_number",     N_("Representative's identification number"), REPRESENTATIVE, ID_NUMBER, TRUE),
  F (PD_FIELD_REP_ID_ISSUE_DATE, "rep_id_issue_date", N_("Representative's ID card issued on"), REPRESENTATIVE, DATE, TRUE),
  F (PD_FIELD_REP_ADDRESS,       "rep_address",       N_("Representative's permanent residence"), REPRESENTATIVE, TEXT, TRUE),
  F (PD_FIELD_REP_PHONE,         "rep_phone",         N_("Representative's phone number"), REPRESENTATIVE, PHONE, TRUE),
  F (PD_FIELD_REP_RELATIONSHIP,  "rep_relationship",  N_("Relationship to the applicant"), REPRESENTATIVE, TEXT, TRUE),

  F (PD_FIELD_DECLARATION_CODE, "declaration_code", N_("Online declaration code"), INTAKE, TEXT,   FALSE),
  F (PD_FIELD_OFFICE_CODE,      "office_code",      N_("Office"),                  INTAKE, TEXT,   FALSE),
  F (PD_FIELD_COUNTER,          "counter",          N_("Counter"),                 INTAKE, NUMBER, FALSE),
  F (PD_FIELD_OFFICER,          "officer",          N_("Officer"),                 INTAKE, TEXT,   FALSE),
  F (PD_FIELD_QUEUE_NUMBER,     "queue_number",     N_("Queue ticket"),            INTAKE, TEXT,   FALSE),
  F (PD_FIELD_FEE_CODE,         "fee_code",         N_("Fee"),                     INTAKE, TEXT,   FALSE),
  F (PD_FIELD_FEE_AMOUNT,       "fee_amount",       N_("Fee amount (đồng)"),       INTAKE, NUMBER, FALSE),
  F (PD_FIELD_APPOINTMENT_DATE, "appointment_date", N_("Result ready on"),         INTAKE, DATE,   FALSE),
};

static const char *group_labels[PD_N_FIELD_GROUPS] = {
  [PD_FIELD_GROUP_PERSON]         = N_("Applicant"),
  [PD_FIELD_GROUP_ADDRESS]        = N_("Addresses"),
  [PD_FIELD_GROUP_WORK]           = N_("Work"),
  [PD_FIELD_GROUP_FAMILY]         = N_("Family"),
  [PD_FIELD_GROUP_PASSPORT]       = N_("Previous passport"),
  [PD_FIELD_GROUP_REFUND]         = N_("Fee refund account"),
  [PD_FIELD_GROUP_REQUEST]        = N_("Request"),
  [PD_FIELD_GROUP_REPRESENTATIVE] = N_("Legal representative (under 14 or without legal capacity)"),
  [PD_FIELD_GROUP_INTAKE]         = N_("Intake"),
};

const PdFieldInfo *
pd_field_get_info (PdField field)
{
  g_return_val_if_fail (field >= 0 && field < PD_N_FIELDS, NULL);
  return &fields[field];
}

PdField
pd_field_from_key (const char *key)
{
  static GHashTable *by_key;

  if (key == NULL)
    return PD_FIELD_INVALID;

  if (g_once_init_enter (&by_key))
    {
      GHashTable *table = g_hash_table_new (g_str_hash, g_str_equal);

      for (int i = 0; i < PD_N_FIELDS; i++)
        g_hash_table_insert (table, (gpointer) fields[i].key, GINT_TO_POINTER (i + 1));
      g_once_init_leave (&by_key, table);
    }

  return GPOINTER_TO_INT (g_hash_table_lookup (by_key, key)) - 1;
}

const char *
pd_field_get_key (PdField field)
{
  g_return_val_if_fail (field >= 0 && field < PD_N_FIELDS, NULL);
  return fields[field].key;
}

const char *
pd_field_get_label (PdField field)
{
  g_return_val_if_fail (field >= 0 && field < PD_N_FIELDS, NULL);
  return _(fields[field].label);
}

const char *
pd_field_group_get_label (PdFieldGroup group)
{
  g_return_val_if_fail (group >= 0 && group < PD_N_FIELD_GROUPS, NULL);
  return _(group_labels[group]);
}

const char *
pd_field_choice_label (PdField     field,
                       const char *value)
{
  const PdFieldChoice *choice;

  g_return_val_if_fail (field >= 0 && field < PD_N_FIELDS, NULL);

  if (value == NULL)
    return NULL;
  for (choice = fields[field].choices; choice != NULL && choice->value != NULL; choice++)
    if (g_str_equal (choice->value, value))
      return _(choice->label);
  return NULL;
}

gboolean
pd_field_is_personal (PdField field)
{
  g_return_val_if_fail (field >= 0 && field < PD_N_FIELDS, FALSE);
  return fields[field].personal;
}
