# One image for both servers: Rasa (the default command) and the action server
# (`python -m actions.server`). docker-compose.yml and deploy/k8s/ run it; docs/deployment.md says how.
# Build: docker build -t safeguarding-assistant:1 .   (trains the model into the image)
FROM python:3.10.13-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    TF_CPP_MIN_LOG_LEVEL=2 \
    RASA_TELEMETRY_ENABLED=false

WORKDIR /app
RUN useradd --create-home --uid 10001 assistant

# The same pinned versions as `make install` (constraints.txt), never a model download.
COPY requirements.txt constraints.txt ./
RUN python -m pip install --upgrade pip==24.0 && python -m pip install -r requirements.txt -c constraints.txt

COPY . .
# The spaCy pipeline (blank English and the lookup lemmatizer) and the trained model, built here.
RUN python -m tools.spacy_pipeline build/spacy_en \
    && python -m rasa train --fixed-model-name safeguarding --out models \
    && rm -rf .rasa tests/web/node_modules \
    && mkdir -p var && chown -R assistant:assistant var

USER assistant
EXPOSE 5005 5055
# No --enable-api: Rasa's HTTP API (read and rewrite any conversation) is never served.
CMD ["python", "-m", "rasa", "run", "--model", "models/safeguarding.tar.gz", "--port", "5005", \
     "--interface", "0.0.0.0", "--credentials", "credentials.yml", "--endpoints", "endpoints.yml"]
