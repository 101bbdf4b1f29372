"""The yardstick for bench/serve.py: a plain Flask hello-world, served by gunicorn with Parley's own settings."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    """The cheapest page Flask can serve."""
    return "hello"
