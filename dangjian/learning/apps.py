from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "dangjian.learning"
    label = "learning"
    verbose_name = "学习培训"
