/*
 * sns: the AWS SNS integration (sns_configs).
 *
 * Configuration: Alertmanager 0.25's SNSConfig with sigv4; exactly one
 * of topic_arn, phone_number, target_arn (Go's chained != quirk kept: all
 * three set passes, as in Alertmanager).
 */
#include "notifiers/nconf.h"

struct sns_sigv4 {
	char	*region, *access_key, *secret_key, *profile, *role_arn;
};

struct sns_conf {
	struct notifier_conf	 base;
	char			*api_url;
	struct sns_sigv4	 sigv4;
	char			*topic_arn, *phone_number, *target_arn;
	char			*subject, *message;
	struct config_kv	*attributes;
	size_t			 n_attributes;
};

static const struct config_field sigv4_fields[] = {
	CF_F("region", CF_STR, CF_OMITEMPTY, struct sns_sigv4, region),
	CF_F("access_key", CF_STR, CF_OMITEMPTY, struct sns_sigv4, access_key),
	CF_F("secret_key", CF_SECRET, CF_OMITEMPTY, struct sns_sigv4,
	    secret_key),
	CF_F("profile", CF_STR, CF_OMITEMPTY, struct sns_sigv4, profile),
	CF_F("role_arn", CF_STR, CF_OMITEMPTY, struct sns_sigv4, role_arn),
	CF_END
};

/* SigV4Config.Validate: both keys or neither. */
static int
sigv4_check(void *obj, struct config_check *chk)
{
	struct sns_sigv4	*s = obj;

	if (nconf_nz(s->access_key) != nconf_nz(s->secret_key))
		return config_check_errf(chk, NULL, "must provide a AWS SigV4 "
		    "Access key and Secret Key if credentials are specified in "
		    "the SigV4 config");
	return 0;
}

static const struct config_obj sigv4_obj = {
	.go_type = "sigv4.plain", .size = sizeof(struct sns_sigv4),
	.fields = sigv4_fields, .check = sigv4_check,
};

#define S	struct sns_conf
#define T	(CF_OMITEMPTY | CF_TEMPLATE)

static const struct config_field sns_fields[] = {
	NCONF_SEND_RESOLVED(S, 1),
	NCONF_HTTP(S),
	CF_F("api_url", CF_STR, T, S, api_url),
	CF_FO("sigv4", CF_OBJ, 0, S, sigv4, &sigv4_obj),
	CF_F("topic_arn", CF_STR, T, S, topic_arn),
	CF_F("phone_number", CF_STR, T, S, phone_number),
	CF_F("target_arn", CF_STR, T, S, target_arn),
	CF_FD("subject", CF_STR, T, S, subject,
	    "{{ template \"sns.default.subject\" . }}"),
	CF_FD("message", CF_STR, T, S, message,
	    "{{ template \"sns.default.message\" . }}"),
	CF_FN("attributes", CF_MAP, T, S, attributes, n_attributes),
	CF_END
};

static int
sns_check(void *conf, struct config_global *g, struct config_check *chk)
{
	struct sns_conf	*c = conf;
	bool		 a = !nconf_nz(c->target_arn);
	bool		 b = !nconf_nz(c->topic_arn);
	bool		 d = !nconf_nz(c->phone_number);

	(void)g;
	if ((a != b) != d)
		return config_check_errf(chk, NULL, "must provide either a "
		    "Target ARN, Topic ARN, or Phone Number for SNS config");
	return 0;
}

/* Sending (prepare/verdict) goes here, in the notifiers module. */

const struct notifier_type notifier_sns = {
	.name = "sns",
	.config_key = "sns_configs",
	.send_resolved_default = true,
	.fields = sns_fields,
	.conf_size = sizeof(struct sns_conf),
	.check = sns_check,
	.prepare = NULL,
};
