"""Entitlement and OneOffGrant move here from intake: state only, the tables stay as they are
(0002 renames them)."""

import django.db.models.deletion
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('intake', '0005_situation_assessment'),
        ('registry', '0003_household_region_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Entitlement',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='创建时间')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='编号')),
                        ('programme', models.CharField(choices=[('dibao', '最低生活保障（低保）'), ('tekun', '特困人员救助供养'), ('marginal_household', '低保边缘家庭'), ('rigid_expenditure_household', '刚性支出困难家庭'), ('temporary_assistance', '临时救助'), ('disability_living_subsidy', '困难残疾人生活补贴'), ('disability_care_subsidy', '重度残疾人护理补贴'), ('orphan', '孤儿、事实无人抚养儿童基本生活保障')], max_length=32, verbose_name='救助项目')),
                        ('monthly_amount', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='月保障金额')),
                        ('from_month', models.DateField(help_text='该月第一日', verbose_name='起始月份')),
                        ('to_month', models.DateField(blank=True, null=True, verbose_name='终止月份')),
                        ('county_code', models.CharField(db_index=True, max_length=6, verbose_name='县')),
                        ('township_code', models.CharField(db_index=True, max_length=9, verbose_name='乡镇')),
                        ('application', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='entitlements', to='intake.application', verbose_name='申请')),
                        ('household', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='entitlements', to='registry.household', verbose_name='家庭')),
                    ],
                    options={
                        'verbose_name': '救助待遇', 'db_table': 'intake_entitlement',
                        'verbose_name_plural': '救助待遇',
                        'ordering': ['from_month', 'id'],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('to_month__isnull', True)), fields=('household', 'programme'), name='entitlement_one_open_per_programme')],
                    },
                ),
                migrations.CreateModel(
                    name='OneOffGrant',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='创建时间')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                        ('public_id', models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name='编号')),
                        ('programme', models.CharField(choices=[('dibao', '最低生活保障（低保）'), ('tekun', '特困人员救助供养'), ('marginal_household', '低保边缘家庭'), ('rigid_expenditure_household', '刚性支出困难家庭'), ('temporary_assistance', '临时救助'), ('disability_living_subsidy', '困难残疾人生活补贴'), ('disability_care_subsidy', '重度残疾人护理补贴'), ('orphan', '孤儿、事实无人抚养儿童基本生活保障')], max_length=32, verbose_name='救助项目')),
                        ('amount', models.DecimalField(decimal_places=2, max_digits=12, verbose_name='救助金额')),
                        ('approved_month', models.DateField(help_text='该月第一日', verbose_name='审批月份')),
                        ('requires_county_approval', models.BooleanField(default=False, verbose_name='超过乡镇（街道）审批额度')),
                        ('county_approved', models.BooleanField(default=False, verbose_name='县级审批')),
                        ('county_code', models.CharField(db_index=True, max_length=6, verbose_name='县')),
                        ('township_code', models.CharField(db_index=True, max_length=9, verbose_name='乡镇')),
                        ('village_code', models.CharField(db_index=True, max_length=12, verbose_name='村（社区）代码')),
                        ('application', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='one_off_grants', to='intake.application', verbose_name='申请')),
                        ('approved_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='审批人')),
                        ('household', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='one_off_grants', to='registry.household', verbose_name='家庭')),
                    ],
                    options={
                        'verbose_name': '一次性救助', 'db_table': 'intake_oneoffgrant',
                        'verbose_name_plural': '一次性救助',
                        'ordering': ['approved_month', 'id'],
                        'constraints': [models.UniqueConstraint(fields=('application', 'programme'), name='one_off_grant_once_per_programme'), models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='one_off_grant_amount_positive'), models.CheckConstraint(condition=models.Q(('requires_county_approval', False), ('county_approved', True), _connector='OR'), name='one_off_grant_above_limit_county_approved')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
