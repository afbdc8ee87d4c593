#!/bin/sh
# Container entry point: refuse unset or placeholder secrets, then
#   serve (default)  `pmo init` (alembic migrations: a no-op when up to date), then Streamlit
#   anything else    run as given (e.g. `pmo init`, `pmo users add NAME --role pmo`)
set -eu

for var in PMO_DATABASE_URL PMO_COOKIE_KEY STREAMLIT_SERVER_COOKIE_SECRET; do
  eval "value=\${$var:-}"
  if [ -z "$value" ]; then
    echo "error: $var is not set: copy deploy/.env.example to deploy/.env and fill it in" >&2
    exit 64
  fi
  case "$value" in
    *CHANGE_ME*)
      echo "error: $var still contains the placeholder CHANGE_ME: set a real value in deploy/.env" >&2
      exit 64
      ;;
  esac
done

if [ "${1:-serve}" = "serve" ]; then
  pmo init
  exec streamlit run app.py
fi
exec "$@"
