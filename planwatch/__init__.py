"""planwatch: plans, targets, tasks and periodic reports of a provincial People\x27s Committee."""
