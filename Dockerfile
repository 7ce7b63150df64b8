FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
# Chromium prints report PDFs; without it the PDF button explains why.
RUN apt-get update && apt-get install -y --no-install-recommends chromium \
    && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml constraints.txt ./
RUN pip install --no-cache-dir -c constraints.txt -e . && useradd --create-home tunecase
COPY . .
# collectstatic needs a secret only to import settings; the real one comes at run time.
RUN DEBUG=false SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput
USER tunecase
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "30"]
