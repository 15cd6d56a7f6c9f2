from django.apps import AppConfig


class SynthConfig(AppConfig):
    name = "doudi.synth"
    label = "synth"
    verbose_name = "合成数据"
