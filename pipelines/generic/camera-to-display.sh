#!/bin/sh
# The first camera into the first display, whatever the machine: dmabridgev4l2src asks the
# display for its constraints in the allocation query and plans where the frames live
# (the CMA heap for a camera or display without an IOMMU, else the system heap, or the
# camera's own buffers). Zero-copy whenever one buffer suits both; otherwise the stats
# message (-m) says which constraint ruled it out. To see the plan before running:
#   dmabridge-info; dmabridge-plan --producer /dev/video0 --consumer <DRM driver> ...
exec gst-launch-1.0 -m dmabridgev4l2src "${@:-num-buffers=300}" ! dmabridgekmssink
