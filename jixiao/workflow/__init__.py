"""The review workflow (审核流程, CORE-3): one mechanism for every form the domains review.

Read :mod:`jixiao.workflow.models` for the design, :mod:`jixiao.workflow.definitions` for how a
domain describes its review levels, :mod:`jixiao.workflow.services` for the transitions and
:mod:`jixiao.workflow.queries` for queues and history.
"""
