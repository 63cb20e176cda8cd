"""Settings for the agent layer: the model lives in ``tools.settings`` (the bottom layer), re-exported here.

Why re-export: ``agent`` code and users' scripts import ``agent.config``; the settings model moved
down so ``tools`` and ``vectorstore`` can read settings without importing ``agent``.
"""

from tools.settings import PROJECT_ROOT, SPECS, Settings, SettingSpec, load_settings, shown_value

__all__ = ["PROJECT_ROOT", "SPECS", "SettingSpec", "Settings", "load_settings", "shown_value"]
