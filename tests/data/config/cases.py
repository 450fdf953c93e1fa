#!/usr/bin/python3
# cases.py: writes tests/data/config/{valid,invalid}/<case>/alertmanager.yml
# from the table below (the source of truth for these cases).  regen.sh
# then records what amtool 0.25 says of each (`error`), and fails when
# amtool's verdict is not the directory's.  Optional per-case `where`
# files (first error's "file:line:col: path", alertd's own report) are
# written here too.
import os, shutil, sys

here = os.path.dirname(os.path.abspath(__file__))

R = "route:\n  receiver: r\nreceivers:\n  - name: r\n"

def recv(body, glob=""):
    """A config whose only receiver r holds body (indented 4)."""
    g = ("global:\n" + glob) if glob else ""
    return g + R + "".join("    " + l + "\n" for l in body.strip("\n").split("\n"))

def route(body, extra=""):
    return "route:\n" + "".join("  " + l + "\n" for l in body.strip("\n").split("\n")) + \
        "receivers:\n  - name: r\n  - name: s\n" + extra

def http(body, url="http://127.0.0.1:1/"):
    return recv("webhook_configs:\n  - url: %s\n    http_config:\n" % url +
        "".join("      " + l + "\n" for l in body.strip("\n").split("\n")))

TI = "route:\n  receiver: r\n  routes:\n    - receiver: r\n      mute_time_intervals: [t]\nreceivers:\n  - name: r\ntime_intervals:\n  - name: t\n    time_intervals:\n"

def ti(body):
    return TI + "".join("      " + l + "\n" for l in body.strip("\n").split("\n"))

VALID = {
    "minimal": R,
    "empty-receiver": R,
    "global-empty": "global:\n" + R,
    "global-all": """global:
  resolve_timeout: 1d
  smtp_from: a@b.c
  smtp_hello: h
  smtp_smarthost: smtp:25
  smtp_auth_username: u
  smtp_auth_password: p
  smtp_auth_secret: s
  smtp_auth_identity: i
  smtp_require_tls: false
  slack_api_url: https://hooks.slack.com/x
  pagerduty_url: https://pd.example.org/
  opsgenie_api_url: https://og.example.org/
  opsgenie_api_key: k
  wechat_api_url: https://wc.example.org/
  wechat_api_secret: s
  wechat_api_corp_id: c
  victorops_api_url: https://vo.example.org/
  victorops_api_key: k
  telegram_api_url: https://tg.example.org
  webex_api_url: https://wx.example.org
""" + R,
    "webhook": recv("webhook_configs:\n  - url: http://127.0.0.1:5001/\n    max_alerts: 5\n    send_resolved: false"),
    "email": recv("email_configs:\n  - to: a@b.c\n    from: x@y.z\n    smarthost: localhost:25\n    headers: {Subject: s, X-Custom: v}\n    require_tls: false\n    tls_config: {insecure_skip_verify: true}"),
    "email-global": recv("email_configs:\n  - to: a@b.c", "  smtp_smarthost: localhost:25\n  smtp_from: x@y.z\n"),
    "pagerduty-routing": recv("pagerduty_configs:\n  - routing_key: k\n    images: [{src: s, alt: a, href: h}]\n    links: [{href: h, text: t}]\n    details: {a: b}\n    severity: critical"),
    "pagerduty-service": recv("pagerduty_configs:\n  - service_key: k"),
    "pagerduty-key-file": recv("pagerduty_configs:\n  - routing_key_file: /nonexistent/k"),
    "slack": recv("slack_configs:\n  - api_url: https://hooks.slack.com/x\n    fields: [{title: t, value: v, short: false}]\n    actions: [{type: button, text: t, url: https://u/}, {type: button, text: t, name: n, confirm: {text: c}}]"),
    "slack-global-file": recv("slack_configs:\n  - channel: '#c'", "  slack_api_url_file: /nonexistent/url\n"),
    "opsgenie": recv("opsgenie_configs:\n  - api_key: k\n    responders: [{id: i, type: team}, {name: n, type: Schedule}, {username: u, type: '{{ .x }}'}]"),
    "opsgenie-global": recv("opsgenie_configs:\n  - {}", "  opsgenie_api_key_file: /nonexistent/k\n"),
    "wechat": recv("wechat_configs:\n  - api_secret: s\n    corp_id: c\n    message_type: markdown"),
    "wechat-global": recv("wechat_configs:\n  - {}", "  wechat_api_secret: s\n  wechat_api_corp_id: c\n"),
    "pushover": recv("pushover_configs:\n  - user_key: u\n    token: t\n    retry: 30s\n    expire: 2h\n    priority: '2'"),
    "victorops": recv("victorops_configs:\n  - api_key: k\n    routing_key: r\n    custom_fields: {a: b}"),
    "victorops-global": recv("victorops_configs:\n  - routing_key: r", "  victorops_api_key_file: /nonexistent/k\n"),
    "sns-topic": recv("sns_configs:\n  - topic_arn: arn:aws:sns:x\n    sigv4: {region: eu-west-1}"),
    "sns-all-three": recv("sns_configs:\n  - topic_arn: a\n    phone_number: b\n    target_arn: c"),
    "telegram": recv("telegram_configs:\n  - bot_token: t\n    chat_id: -100\n    parse_mode: Markdown"),
    "telegram-empty-parse-mode": recv("telegram_configs:\n  - bot_token: t\n    chat_id: 1\n    parse_mode: ''"),
    "slack-api-url-secret": recv("slack_configs:\n  - api_url: <secret>"),
    "discord": recv("discord_configs:\n  - webhook_url: https://discord.com/api/webhooks/x"),
    "webex": recv("webex_configs:\n  - room_id: r\n    http_config: {authorization: {credentials: c}}"),
    "webex-bearer": recv("webex_configs:\n  - room_id: r\n    http_config: {bearer_token: c}"),
    "every-integration": recv("""webhook_configs: [{url: 'http://h/'}]
email_configs: [{to: a@b, from: c@d, smarthost: 'h:25'}]
pagerduty_configs: [{routing_key: k}]
slack_configs: [{api_url: 'https://h/'}]
opsgenie_configs: [{api_key: k}]
wechat_configs: [{api_secret: s, corp_id: c}]
pushover_configs: [{user_key: u, token: t}]
victorops_configs: [{api_key: k, routing_key: r}]
sns_configs: [{topic_arn: t}]
telegram_configs: [{bot_token: t, chat_id: 1}]
discord_configs: [{webhook_url: 'https://h/'}]
webex_configs: [{room_id: r, http_config: {authorization: {credentials: c}}}]"""),
    "routes-nested": route("""receiver: r
group_by: [a, b]
group_wait: 0s
group_interval: 1m
repeat_interval: 1w
routes:
  - receiver: s
    match: {a: b}
    match_re: {c: 'd|e', f: ''}
    matchers: ['g="h"', 'i!~"j.*"', '{k=l, m!=n}']
    continue: true
    group_by: ['...']
    routes:
      - matchers: [o=p]
        group_by: []"""),
    "durations": route("receiver: r\ngroup_wait: 1y2w3d4h5m6s7ms\ngroup_interval: 90s\nrepeat_interval: '1h30m'"),
    "inhibit": "inhibit_rules:\n  - source_match: {a: b}\n    target_match_re: {c: 'd.*'}\n    equal: [e, f]\n  - source_matchers: ['a=\"b\"']\n    target_matchers: ['c=~\"d\"']\n  - {}\n" + R,
    "time-intervals": ti("""- times: [{start_time: '00:00', end_time: '24:00'}]
  weekdays: ['monday:friday', Sunday]
  days_of_month: ['1:5', '-3:-1', '31']
  months: ['january:march', '12', 'May']
  years: ['2020:2030']
  location: Europe/Berlin"""),
    "mute-time-intervals": "route:\n  receiver: r\n  routes:\n    - receiver: r\n      mute_time_intervals: [m]\n      active_time_intervals: [m]\nreceivers:\n  - name: r\nmute_time_intervals:\n  - name: m\n    time_intervals: [{weekdays: [saturday, sunday]}]\n",
    "http-basic-auth": http("basic_auth: {username: u, password: p}"),
    "http-bearer": http("bearer_token: t"),
    "http-authorization": http("authorization: {type: Token, credentials: c}"),
    "http-oauth2": http("oauth2: {client_id: i, client_secret: s, token_url: 'http://t/', scopes: [a], endpoint_params: {b: c}}"),
    "http-proxy": http("proxy_url: 'http://p:3128'\nproxy_connect_header: {X: [a, b]}"),
    "http-tls": http("tls_config: {ca_file: /nonexistent/ca, server_name: s, insecure_skip_verify: true, min_version: TLS12, max_version: TLS13}\nfollow_redirects: false\nenable_http2: false"),
    "yaml-anchors-merge": """x-defaults: &d
  send_resolved: false
""".replace("x-defaults: &d\n  send_resolved: false\n", "") + "route:\n  receiver: &name r\nreceivers:\n  - name: *name\n    webhook_configs:\n      - &hook\n        url: http://a/\n      - <<: *hook\n        max_alerts: 2\n",
    "yaml-bool-forms": recv("webhook_configs:\n  - url: http://a/\n    send_resolved: off\n  - url: http://b/\n    send_resolved: Yes\n  - url: http://c/\n    send_resolved: !!bool true"),
    "yaml-int-forms": recv("webhook_configs:\n  - url: http://a/\n    max_alerts: 0x1F\n  - url: http://b/\n    max_alerts: 0o17\n  - url: http://c/\n    max_alerts: 1_000"),
    "yaml-number-as-string": recv("email_configs:\n  - to: 12345\n    from: 1.5\n    smarthost: localhost:25"),
    "yaml-null-values": "global:\n  smtp_from:\n  resolve_timeout: ~\n" + R,
    "yaml-second-document": R + "---\nroute: {}\n",
    "templates-missing": R + "templates: ['/nonexistent/*.tmpl', 'relative/*.tmpl']\n",
}

INVALID = {
    "empty-file": "",
    "only-comments": "# nothing\n",
    "no-route": "receivers:\n  - name: r\n",
    "root-no-receiver": "route:\n  group_wait: 1s\nreceivers:\n  - name: r\n",
    "root-match": route("receiver: r\nmatch: {a: b}"),
    "root-matchers": route("receiver: r\nmatchers: ['a=b']"),
    "root-mute": route("receiver: r\nmute_time_intervals: [x]"),
    "root-active": route("receiver: r\nactive_time_intervals: [x]"),
    "root-continue": route("receiver: r\ncontinue: true"),
    "undefined-receiver": route("receiver: r\nroutes:\n  - receiver: nope"),
    "undefined-root-receiver": route("receiver: nope"),
    "undefined-time-interval": route("receiver: r\nroutes:\n  - mute_time_intervals: [nope]"),
    "undefined-active-interval": route("receiver: r\nroutes:\n  - active_time_intervals: [nope]"),
    "duplicate-receiver": "route:\n  receiver: r\nreceivers:\n  - name: r\n  - name: r\n",
    "receiver-no-name": "route:\n  receiver: r\nreceivers:\n  - name: r\n  - webhook_configs: [{url: 'http://a/'}]\n",
    "duplicate-mute-interval": R + "mute_time_intervals:\n  - name: a\n    time_intervals: []\n  - name: a\n    time_intervals: []\n",
    "duplicate-time-interval": R + "mute_time_intervals:\n  - name: a\n    time_intervals: []\ntime_intervals:\n  - name: a\n    time_intervals: []\n",
    "mute-interval-no-name": R + "mute_time_intervals:\n  - time_intervals: []\n",
    "time-interval-no-name": R + "time_intervals:\n  - time_intervals: []\n",
    "route-match-label": route("receiver: r\nroutes:\n  - match: {'a-b': c}"),
    "route-match-re-label": route("receiver: r\nroutes:\n  - match_re: {'1a': c}"),
    "route-match-re-null": route("receiver: r\nroutes:\n  - match_re: {a: }"),
    "route-match-re-invalid": route("receiver: r\nroutes:\n  - match_re: {a: '('}"),
    "route-group-by-label": route("receiver: r\ngroup_by: ['a b']"),
    "route-group-by-wildcard": route("receiver: r\ngroup_by: ['...', a]"),
    "route-group-by-duplicate": route("receiver: r\ngroup_by: [a, a]"),
    "route-group-interval-zero": route("receiver: r\ngroup_interval: 0s"),
    "route-repeat-interval-zero": route("receiver: r\nrepeat_interval: 0"),
    "route-matchers-bad": route("receiver: r\nroutes:\n  - matchers: ['a']"),
    "route-matchers-quote": route("receiver: r\nroutes:\n  - matchers: ['a=\"b\"c\"']"),
    "route-matchers-regex": route("receiver: r\nroutes:\n  - matchers: ['a=~\"(\"']"),
    "route-duration-bad": route("receiver: r\ngroup_wait: 5x"),
    "route-duration-empty": route("receiver: r\ngroup_wait: ''"),
    "route-duration-float": route("receiver: r\ngroup_wait: 1.5m"),
    "route-continue-type": route("receiver: r\nroutes:\n  - continue: maybe"),
    "route-routes-type": route("receiver: r\nroutes: {a: b}"),
    "inhibit-source-label": "inhibit_rules:\n  - source_match: {'a.b': c}\n" + R,
    "inhibit-target-label": "inhibit_rules:\n  - target_match: {'a.b': c}\n" + R,
    "inhibit-re-label": "inhibit_rules:\n  - source_match_re: {'a.b': c}\n" + R,
    "inhibit-re-invalid": "inhibit_rules:\n  - target_match_re: {a: '[z-a]'}\n" + R,
    "inhibit-matchers-bad": "inhibit_rules:\n  - source_matchers: ['=b']\n" + R,
    "inhibit-unknown-field": "inhibit_rules:\n  - source: x\n" + R,
    "ti-time-format": ti("- times: [{start_time: '9:00', end_time: '10:00'}]"),
    "ti-time-order": ti("- times: [{start_time: '10:00', end_time: '09:00'}]"),
    "ti-time-missing": ti("- times: [{start_time: '10:00'}]"),
    "ti-time-range": ti("- times: [{start_time: '10:00', end_time: '25:00'}]"),
    "ti-weekday": ti("- weekdays: [funday]"),
    "ti-weekday-order": ti("- weekdays: ['friday:monday']"),
    "ti-day-range": ti("- days_of_month: ['32']"),
    "ti-day-zero": ti("- days_of_month: ['0']"),
    "ti-day-sign": ti("- days_of_month: ['-3:5']"),
    "ti-day-order": ti("- days_of_month: ['10:5']"),
    "ti-month": ti("- months: [smarch]"),
    "ti-month-order": ti("- months: ['may:march']"),
    "ti-year-order": ti("- years: ['2030:2020']"),
    "ti-range-format": ti("- years: ['20a0']"),
    "ti-location": ti("- location: Mars/Olympus"),
    "ti-unknown-field": ti("- hours: [1]"),
    "webhook-no-url": recv("webhook_configs:\n  - send_resolved: true"),
    "webhook-url-scheme": recv("webhook_configs:\n  - url: ftp://a/"),
    "webhook-url-no-host": recv("webhook_configs:\n  - url: 'http:///path'"),
    "webhook-url-parse": recv("webhook_configs:\n  - url: 'http://a b/'"),
    "webhook-url-escape": recv("webhook_configs:\n  - url: 'http://a/%zz'"),
    "webhook-max-alerts-negative": recv("webhook_configs:\n  - url: http://a/\n    max_alerts: -1"),
    "webhook-unknown-field": recv("webhook_configs:\n  - url: http://a/\n    urls: [x]"),
    "webhook-url-file-025": recv("webhook_configs:\n  - url_file: /x"),
    "email-no-to": recv("email_configs:\n  - from: a@b\n    smarthost: h:25"),
    "email-no-smarthost": recv("email_configs:\n  - to: a@b\n    from: c@d"),
    "email-no-from": recv("email_configs:\n  - to: a@b\n    smarthost: h:25"),
    "email-duplicate-header": recv("email_configs:\n  - to: a@b\n    from: c@d\n    smarthost: h:25\n    headers: {subject: a, Subject: b}"),
    "email-smarthost-port": recv("email_configs:\n  - to: a@b\n    from: c@d\n    smarthost: 'h:'"),
    "email-smarthost-noport": recv("email_configs:\n  - to: a@b\n    from: c@d\n    smarthost: h"),
    "email-smarthost-colons": recv("email_configs:\n  - to: a@b\n    from: c@d\n    smarthost: 'a:b:c'"),
    "global-smarthost": "global:\n  smtp_smarthost: nohost\n" + R,
    "global-slack-both": "global:\n  slack_api_url: https://a/\n  slack_api_url_file: /f\n" + R,
    "global-opsgenie-both": "global:\n  opsgenie_api_key: k\n  opsgenie_api_key_file: /f\n" + R,
    "global-victorops-both": "global:\n  victorops_api_key: k\n  victorops_api_key_file: /f\n" + R,
    "global-smtp-password-both": "global:\n  smtp_auth_password: k\n  smtp_auth_password_file: /f\n" + R,
    "global-unknown-field": "global:\n  smtp_port: 25\n" + R,
    "global-resolve-timeout": "global:\n  resolve_timeout: soon\n" + R,
    "global-url-scheme": "global:\n  pagerduty_url: events.pagerduty.com\n" + R,
    "global-pagerduty-null": recv("pagerduty_configs:\n  - routing_key: k", "  pagerduty_url:\n"),
    "pagerduty-no-key": recv("pagerduty_configs:\n  - severity: x"),
    "pagerduty-routing-both": recv("pagerduty_configs:\n  - routing_key: k\n    routing_key_file: /f"),
    "pagerduty-service-both": recv("pagerduty_configs:\n  - service_key: k\n    service_key_file: /f"),
    "slack-no-url": recv("slack_configs:\n  - channel: '#c'"),
    "slack-both": recv("slack_configs:\n  - api_url: https://a/\n    api_url_file: /f"),
    "slack-field-no-title": recv("slack_configs:\n  - api_url: https://a/\n    fields: [{value: v}]"),
    "slack-field-no-value": recv("slack_configs:\n  - api_url: https://a/\n    fields: [{title: t}]"),
    "slack-action-no-type": recv("slack_configs:\n  - api_url: https://a/\n    actions: [{text: t, url: u}]"),
    "slack-action-no-text": recv("slack_configs:\n  - api_url: https://a/\n    actions: [{type: t, url: u}]"),
    "slack-action-no-url": recv("slack_configs:\n  - api_url: https://a/\n    actions: [{type: t, text: u}]"),
    "slack-confirm-no-text": recv("slack_configs:\n  - api_url: https://a/\n    actions: [{type: t, text: u, url: v, confirm: {title: x}}]"),
    "opsgenie-no-key": recv("opsgenie_configs:\n  - message: m"),
    "opsgenie-both": recv("opsgenie_configs:\n  - api_key: k\n    api_key_file: /f"),
    "opsgenie-responder-empty": recv("opsgenie_configs:\n  - api_key: k\n    responders: [{type: team}]"),
    "opsgenie-responder-type": recv("opsgenie_configs:\n  - api_key: k\n    responders: [{name: n, type: group}]"),
    "wechat-no-secret": recv("wechat_configs:\n  - corp_id: c"),
    "wechat-no-corp": recv("wechat_configs:\n  - api_secret: s"),
    "wechat-message-type": recv("wechat_configs:\n  - api_secret: s\n    corp_id: c\n    message_type: html"),
    "pushover-no-user": recv("pushover_configs:\n  - token: t"),
    "pushover-no-token": recv("pushover_configs:\n  - user_key: u"),
    "pushover-retry": recv("pushover_configs:\n  - user_key: u\n    token: t\n    retry: 1d"),
    "victorops-no-routing-key": recv("victorops_configs:\n  - api_key: k"),
    "victorops-no-api-key": recv("victorops_configs:\n  - routing_key: r"),
    "victorops-both": recv("victorops_configs:\n  - routing_key: r\n    api_key: k\n    api_key_file: /f"),
    "victorops-custom-field": recv("victorops_configs:\n  - routing_key: r\n    api_key: k\n    custom_fields: {entity_state: x}"),
    "sns-no-target": recv("sns_configs:\n  - subject: s"),
    "sns-two-targets": recv("sns_configs:\n  - topic_arn: a\n    target_arn: b"),
    "sns-sigv4-keys": recv("sns_configs:\n  - topic_arn: a\n    sigv4: {access_key: k}"),
    "sns-sigv4-unknown": recv("sns_configs:\n  - topic_arn: a\n    sigv4: {foo: k}"),
    "telegram-no-token": recv("telegram_configs:\n  - chat_id: 1"),
    "telegram-no-chat": recv("telegram_configs:\n  - bot_token: t"),
    "telegram-parse-mode": recv("telegram_configs:\n  - bot_token: t\n    chat_id: 1\n    parse_mode: markdown"),
    "telegram-chat-type": recv("telegram_configs:\n  - bot_token: t\n    chat_id: abc"),
    "discord-no-url": recv("discord_configs:\n  - title: t"),
    "webex-no-room": recv("webex_configs:\n  - http_config: {authorization: {credentials: c}}"),
    "webex-no-auth": recv("webex_configs:\n  - room_id: r"),
    "webex-global-auth-only": recv("webex_configs:\n  - room_id: r", "  http_config: {authorization: {credentials: c}}\n"),
    "msteams-025": recv("msteams_configs:\n  - webhook_url: https://a/"),
    "unknown-integration": recv("irc_configs:\n  - channel: x"),
    "http-bearer-both": http("bearer_token: a\nbearer_token_file: /f"),
    "http-basic-and-bearer": http("basic_auth: {username: u}\nbearer_token: a"),
    "http-basic-password-both": http("basic_auth: {username: u, password: p, password_file: /f}"),
    "http-authorization-and-bearer": http("authorization: {credentials: c}\nbearer_token: a"),
    "http-authorization-both": http("authorization: {credentials: c, credentials_file: /f}"),
    "http-authorization-basic": http("authorization: {type: Basic, credentials: c}"),
    "http-authorization-and-basic": http("authorization: {credentials: c}\nbasic_auth: {username: u}"),
    "http-oauth2-and-basic": http("oauth2: {client_id: i, client_secret: s, token_url: t}\nbasic_auth: {username: u}"),
    "http-oauth2-no-id": http("oauth2: {client_secret: s, token_url: t}"),
    "http-oauth2-no-secret": http("oauth2: {client_id: i, token_url: t}"),
    "http-oauth2-no-token-url": http("oauth2: {client_id: i, client_secret: s}"),
    "http-oauth2-secret-both": http("oauth2: {client_id: i, client_secret: s, client_secret_file: /f, token_url: t}"),
    "http-proxy-header": http("proxy_connect_header: {X: [a]}"),
    "http-proxy-header-scalar": http("proxy_url: 'http://p/'\nproxy_connect_header: {X: abc}"),
    "http-proxy-header-map": http("proxy_url: 'http://p/'\nproxy_connect_header: {X: [{a: b}]}"),
    "http-proxy-header-duplicate": http("proxy_url: 'http://p/'\nproxy_connect_header: {X: [a], X: [b]}"),
    "http-proxy-header-key": http("proxy_url: 'http://p/'\nproxy_connect_header: {[a]: [b]}"),
    "http-proxy-header-list": http("proxy_url: 'http://p/'\nproxy_connect_header: [a]"),
    "http-proxy-url-bad": http("proxy_url: 'http://a b'"),
    "http-tls-version": http("tls_config: {min_version: TLS14}"),
    "http-unknown-field": http("no_proxy: localhost"),
    "yaml-syntax": "route:\n  receiver: r\n receivers: []\n",
    "yaml-tab": "route:\n\treceiver: r\n",
    "yaml-unknown-top": R + "extra: 1\n",
    "yaml-duplicate-field": "route:\n  receiver: r\n  receiver: r\nreceivers:\n  - name: r\n",
    "yaml-duplicate-map-key": route("receiver: r\nroutes:\n  - match: {a: b, a: c}"),
    "yaml-type-bool": recv("webhook_configs:\n  - url: http://a/\n    send_resolved: 'yes'"),
    "yaml-type-int": recv("webhook_configs:\n  - url: http://a/\n    max_alerts: many"),
    "yaml-type-list": "route:\n  receiver: r\nreceivers: r\n",
    "yaml-type-map": "route: [r]\nreceivers:\n  - name: r\n",
    "yaml-several-type-errors": recv("webhook_configs:\n  - url: http://a/\n    send_resolved: maybe\n    max_alerts: lots"),
    "yaml-alias-cycle": "route: &a\n  receiver: r\n  <<: *a\nreceivers: [{name: r}]\n",
    "yaml-undefined-alias": "route:\n  receiver: *nope\n",
    "yaml-merge-bad": recv("webhook_configs:\n  - <<: x\n    url: http://a/"),
    "yaml-explicit-tag": recv("webhook_configs:\n  - url: http://a/\n    max_alerts: !!str 5"),
    "yaml-null-list-item": recv("webhook_configs:\n  -"),
}

# alertd's own report for a few cases: the first error's "file:line:col:
# path" (amtool gives neither line nor path for these).
WHERE = {
    "webhook-no-url": "alertmanager.yml:6:9: receivers[0].webhook_configs[0]",
    "undefined-receiver": "alertmanager.yml:4:17: route.routes[0].receiver",
    "route-group-interval-zero": "alertmanager.yml:3:19: route.group_interval",
    "email-duplicate-header": "alertmanager.yml:9:18: receivers[0].email_configs[0].headers",
    "http-oauth2-no-id": "alertmanager.yml:8:19: receivers[0].webhook_configs[0].http_config.oauth2",
    "ti-weekday": "alertmanager.yml:11:19: time_intervals[0].time_intervals[0].weekdays",
    "yaml-type-int": "alertmanager.yml:7:21: receivers[0].webhook_configs[0].max_alerts",
    "duplicate-receiver": "alertmanager.yml:5:11: receivers[1].name",
}

def write(kind, cases):
    top = os.path.join(here, kind)
    if os.path.isdir(top):
        shutil.rmtree(top)
    for name, text in cases.items():
        d = os.path.join(top, name)
        os.makedirs(d)
        with open(os.path.join(d, "alertmanager.yml"), "w") as f:
            f.write(text)
        if name in WHERE:
            with open(os.path.join(d, "where"), "w") as f:
                f.write(WHERE[name] + "\n")

write("valid", VALID)
write("invalid", INVALID)
print("%d valid, %d invalid" % (len(VALID), len(INVALID)))
