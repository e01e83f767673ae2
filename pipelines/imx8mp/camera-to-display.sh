#!/bin/sh
# i.MX8M Plus: the ISI into LCDIF. No IOMMU on the SoC and both address only 32 bits: the
# plan takes linux,cma buffers below 4 GiB that the ISI captures into and LCDIF scans out.
# 0 copies.
# plan: --producer mxc-isi --consumer imx-lcdif --format NV12 --size 1920x1080
exec gst-launch-1.0 -m dmabridgev4l2src device-name=mxc-isi "${@:-num-buffers=300}" \
	! 'video/x-raw(memory:DMABuf),format=DMA_DRM,drm-format=NV12,width=1920,height=1080;video/x-raw(memory:DMABuf),format=NV12,width=1920,height=1080' \
	! dmabridgekmssink driver-name=imx-lcdif
